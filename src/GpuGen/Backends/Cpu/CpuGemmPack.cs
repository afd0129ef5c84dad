using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuGen.Backends.Cpu;

/// <summary>
/// Packing: copies of an operand block into the order the micro-kernel reads, so each k step of the
/// kernel touches one contiguous run. The transpose flags of the GEMM are absorbed here: an operand is
/// described by two element strides, whichever way it is stored, and packing is a strided gather.
/// </summary>
internal static unsafe partial class CpuGemm
{
    /// <summary>
    /// B block (kc × nc), B(k, j) = src[k·bk + j·bj], into ⌈nc/32⌉ slivers laid out [k][32], columns
    /// past nc zero (they produce zeros the store never writes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(float* src, nint bk, nint bj, int kc, int nc, float* dst)
    {
        for (int j0 = 0; j0 < nc; j0 += Nr, dst += (nint)kc * Nr)
        {
            int w = Math.Min(Nr, nc - j0);
            float* s = src + j0 * bj;
            if (bj == 1 && w == Nr)
            {
                for (int k = 0; k < kc; k++, s += bk)
                {
                    Vector512.Store(Vector512.Load(s), dst + k * Nr);
                    Vector512.Store(Vector512.Load(s + 16), dst + k * Nr + 16);
                }
            }
            else if (bj == 1 && Avx512F.IsSupported)
            {
                // A ragged last sliver: masked loads (lanes past w read nothing and come back zero).
                var lane = Vector512<int>.Indices;
                var m0 = Vector512.LessThan(lane, Vector512.Create(w)).AsSingle();
                var m1 = Vector512.LessThan(lane, Vector512.Create(w - 16)).AsSingle();
                var zero = Vector512<float>.Zero;
                for (int k = 0; k < kc; k++, s += bk)
                {
                    Vector512.Store(Avx512F.MaskLoad(s, m0, zero), dst + k * Nr);
                    Vector512.Store(Avx512F.MaskLoad(s + 16, m1, zero), dst + k * Nr + 16);
                }
            }
            else if (bj == 1)
            {
                for (int k = 0; k < kc; k++, s += bk)
                {
                    float* d = dst + k * Nr;
                    int j = 0;
                    for (; j < w; j++) d[j] = s[j];
                    for (; j < Nr; j++) d[j] = 0f;
                }
            }
            else
            {
                // Source columns of B are contiguous in k (transposed storage): transpose 8×8 blocks.
                int k8 = bk == 1 && Avx.IsSupported ? kc & ~7 : 0;
                int j = 0;
                for (; j + 8 <= w; j += 8)
                    for (int k = 0; k < k8; k += 8)
                        Transpose8x8(s + j * bj + k, bj, dst + k * Nr + j, Nr);
                for (int jj = 0; jj < Nr; jj++)
                {
                    float* col = s + jj * bj;
                    int kStart = jj < j ? k8 : 0;
                    if (jj < w)
                        for (int k = kStart; k < kc; k++) dst[k * Nr + jj] = col[k * bk];
                    else
                        for (int k = 0; k < kc; k++) dst[k * Nr + jj] = 0f;
                }
            }
        }
    }

    /// <summary>
    /// One A sliver (mr ≤ mrs rows × kc), A(i, k) = src[i·ai + k·ak], laid out [k][mrs] with rows
    /// past mr zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(float* src, nint ai, nint ak, int mr, int mrs, int kc, float* dst)
    {
        if (ai == 1 && mr == 12 && mrs == 12)
        {
            // Column-major A: each k holds 12 contiguous rows, one 8-wide and one 4-wide copy.
            for (int k = 0; k < kc; k++, src += ak)
            {
                Vector256.Store(Vector256.Load(src), dst + k * 12);
                Vector128.Store(Vector128.Load(src + 8), dst + k * 12 + 8);
            }
            return;
        }
        if (ai == 1 && mr == 8 && mrs == 8)
        {
            for (int k = 0; k < kc; k++, src += ak)
                Vector256.Store(Vector256.Load(src), dst + k * 8);
            return;
        }
        if (ai == 1 && mr == 4 && mrs == 4)
        {
            for (int k = 0; k < kc; k++, src += ak)
                Vector128.Store(Vector128.Load(src), dst + k * 4);
            return;
        }
        if (ai == 1)
        {
            for (int k = 0; k < kc; k++, src += ak)
            {
                float* d = dst + k * mrs;
                int i = 0;
                for (; i < mr; i++) d[i] = src[i];
                for (; i < mrs; i++) d[i] = 0f;
            }
            return;
        }

        int kDone = 0;
        if (ak == 1 && mr == mrs && Avx.IsSupported)
        {
            // Row-major A: transpose 8 k at a time, 8×8 blocks for rows 0–7 and 4×4 pairs for 8–11 (or 0–3 when mrs = 4).
            kDone = kc & ~7;
            for (int k = 0; k < kDone; k += 8)
            {
                int i = 0;
                if (mrs >= 8)
                {
                    Transpose8x8(src + k, ai, dst + k * mrs, mrs);
                    i = 8;
                }
                if (i < mrs)
                {
                    Transpose4x4(src + i * ai + k, ai, dst + k * mrs + i, mrs);
                    Transpose4x4(src + i * ai + k + 4, ai, dst + (k + 4) * mrs + i, mrs);
                }
            }
        }
        for (int i = 0; i < mrs; i++)
        {
            float* row = src + i * ai;
            if (i < mr)
                for (int k = kDone; k < kc; k++) dst[k * mrs + i] = row[k * ak];
            else
                for (int k = kDone; k < kc; k++) dst[k * mrs + i] = 0f;
        }
    }

    /// <summary>
    /// dst[r·ld + c] = src[c·srcLd + r] for a 4×4 block (SSE shuffles). Inlined, like
    /// <see cref="Transpose8x8"/>: as methods of their own they ran as tier-0 code (a transposing pack
    /// ~6× slower) until the runtime recompiled them, which a short run or benchmark might not outlast.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(float* src, nint srcLd, float* dst, nint ld)
    {
        Load4(src, srcLd, out var r0, out var r1, out var r2, out var r3);
        Transpose(ref r0, ref r1, ref r2, ref r3);
        Sse.Store(dst, r0);
        Sse.Store(dst + ld, r1);
        Sse.Store(dst + 2 * ld, r2);
        Sse.Store(dst + 3 * ld, r3);
    }

    /// <summary>dst[r·ld + c] = src[c·srcLd + r] for an 8×8 block (three shuffle stages, AVX).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x8(float* src, nint srcLd, float* dst, nint ld)
    {
        Load8(src, srcLd, out var r0, out var r1, out var r2, out var r3, out var r4, out var r5, out var r6, out var r7);
        Transpose(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        Avx.Store(dst, r0);
        Avx.Store(dst + ld, r1);
        Avx.Store(dst + 2 * ld, r2);
        Avx.Store(dst + 3 * ld, r3);
        Avx.Store(dst + 4 * ld, r4);
        Avx.Store(dst + 5 * ld, r5);
        Avx.Store(dst + 6 * ld, r6);
        Avx.Store(dst + 7 * ld, r7);
    }

    /// <summary>Rows src[0], src[ld], … of a 4×4 block into registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Load4(float* src, nint ld, out Vector128<float> r0, out Vector128<float> r1, out Vector128<float> r2, out Vector128<float> r3)
    {
        r0 = Sse.LoadVector128(src);
        r1 = Sse.LoadVector128(src + ld);
        r2 = Sse.LoadVector128(src + 2 * ld);
        r3 = Sse.LoadVector128(src + 3 * ld);
    }

    /// <summary>Rows src[0], src[ld], … of an 8×8 block into registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Load8(float* src, nint ld, out Vector256<float> r0, out Vector256<float> r1, out Vector256<float> r2, out Vector256<float> r3,
        out Vector256<float> r4, out Vector256<float> r5, out Vector256<float> r6, out Vector256<float> r7)
    {
        r0 = Avx.LoadVector256(src);
        r1 = Avx.LoadVector256(src + ld);
        r2 = Avx.LoadVector256(src + 2 * ld);
        r3 = Avx.LoadVector256(src + 3 * ld);
        r4 = Avx.LoadVector256(src + 4 * ld);
        r5 = Avx.LoadVector256(src + 5 * ld);
        r6 = Avx.LoadVector256(src + 6 * ld);
        r7 = Avx.LoadVector256(src + 7 * ld);
    }

    /// <summary>Transposes the 4×4 block held as rows r0…r3, in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ref Vector128<float> r0, ref Vector128<float> r1, ref Vector128<float> r2, ref Vector128<float> r3)
    {
        var t0 = Sse.UnpackLow(r0, r1); var t1 = Sse.UnpackHigh(r0, r1);
        var t2 = Sse.UnpackLow(r2, r3); var t3 = Sse.UnpackHigh(r2, r3);
        r0 = Sse.MoveLowToHigh(t0, t2);
        r1 = Sse.MoveHighToLow(t2, t0);
        r2 = Sse.MoveLowToHigh(t1, t3);
        r3 = Sse.MoveHighToLow(t3, t1);
    }

    /// <summary>Transposes the 8×8 block held as rows r0…r7, in registers (unpack, shuffle, swap 128-bit halves).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3,
        ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6, ref Vector256<float> r7)
    {
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        r0 = Avx.Permute2x128(u0, u4, 0x20);
        r1 = Avx.Permute2x128(u1, u5, 0x20);
        r2 = Avx.Permute2x128(u2, u6, 0x20);
        r3 = Avx.Permute2x128(u3, u7, 0x20);
        r4 = Avx.Permute2x128(u0, u4, 0x31);
        r5 = Avx.Permute2x128(u1, u5, 0x31);
        r6 = Avx.Permute2x128(u2, u6, 0x31);
        r7 = Avx.Permute2x128(u3, u7, 0x31);
    }
}
