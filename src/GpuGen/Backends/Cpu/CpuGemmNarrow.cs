using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GpuGen.Backends.Cpu;

/// <summary>
/// Thin N (≤ 8 columns, e.g. a 128 → 2 output layer): a 32-column register tile would be ≥ 75%
/// padding, so vectorise along another axis instead. Row-major A (rows contiguous in k): each output
/// is a dot product, c(i,j) = Σ_k A(i,k)·B(k,j), vectorised over k with op(B)'s columns packed
/// contiguous. Column-major A (transA, contiguous in i): c(i:i+16, j) += A(i:i+16, k)·B(k,j),
/// vectorised over i with B broadcast. Both read A in place: it is the big operand, and packing it
/// would cost as much as the arithmetic.
/// </summary>
internal static unsafe partial class CpuGemm
{
    private const int NarrowMaxN = 8;

    /// <summary>Whether <see cref="RunNarrow"/> takes a view: thin N, A contiguous along k or i, B small enough to pack.</summary>
    private static bool IsNarrow(in View v) =>
        UseVector512 && v.N <= NarrowMaxN && (v.Ak == 1 || v.Ai == 1) && (long)v.K * (NarrowMaxN + 1) <= BPanelFloats;

    private static void RunNarrow(in View v)
    {
        Scratch s = Scratch.Current;
        if (v.Ak == 1) NarrowDot(v, s.B);
        else NarrowAxpy(v, s.B, s.Tile);
    }

    /// <summary>Row-major A: 4 rows × 2 columns of k-vectorised dot products (8 independent chains).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NarrowDot(in View v, float* bt)
    {
        int n2 = (v.N + 1) & ~1, k16 = v.K & ~15;
        for (int j = 0; j < n2; j++) // op(B) transposed: bt[j·K + k] = B(k, j), a zero column pads odd N
            for (int k = 0; k < v.K; k++)
                bt[(nint)j * v.K + k] = j < v.N ? v.B[k * v.Bk + j * v.Bj] : 0f;

        int i = 0;
        for (; i + 4 <= v.M; i += 4)
        {
            float* a0 = v.A + i * v.Ai, a1 = a0 + v.Ai, a2 = a1 + v.Ai, a3 = a2 + v.Ai;
            for (int j = 0; j < n2; j += 2)
            {
                float* b0 = bt + (nint)j * v.K, b1 = b0 + v.K;
                Vector512<float> s00 = default, s01 = default, s10 = default, s11 = default,
                    s20 = default, s21 = default, s30 = default, s31 = default;
                for (int k = 0; k < k16; k += 16)
                {
                    var y0 = Vector512.Load(b0 + k);
                    var y1 = Vector512.Load(b1 + k);
                    var x = Vector512.Load(a0 + k);
                    s00 = Vector512.FusedMultiplyAdd(x, y0, s00); s01 = Vector512.FusedMultiplyAdd(x, y1, s01);
                    x = Vector512.Load(a1 + k);
                    s10 = Vector512.FusedMultiplyAdd(x, y0, s10); s11 = Vector512.FusedMultiplyAdd(x, y1, s11);
                    x = Vector512.Load(a2 + k);
                    s20 = Vector512.FusedMultiplyAdd(x, y0, s20); s21 = Vector512.FusedMultiplyAdd(x, y1, s21);
                    x = Vector512.Load(a3 + k);
                    s30 = Vector512.FusedMultiplyAdd(x, y0, s30); s31 = Vector512.FusedMultiplyAdd(x, y1, s31);
                }
                float* c = v.C + i * v.Ci + j * v.Cj;
                DotOut(v, c, j, Vector512.Sum(s00) + Tail(a0, b0, k16, v.K), Vector512.Sum(s01) + Tail(a0, b1, k16, v.K));
                DotOut(v, c + v.Ci, j, Vector512.Sum(s10) + Tail(a1, b0, k16, v.K), Vector512.Sum(s11) + Tail(a1, b1, k16, v.K));
                DotOut(v, c + 2 * v.Ci, j, Vector512.Sum(s20) + Tail(a2, b0, k16, v.K), Vector512.Sum(s21) + Tail(a2, b1, k16, v.K));
                DotOut(v, c + 3 * v.Ci, j, Vector512.Sum(s30) + Tail(a3, b0, k16, v.K), Vector512.Sum(s31) + Tail(a3, b1, k16, v.K));
            }
        }
        for (; i < v.M; i++)
        {
            float* a0 = v.A + i * v.Ai;
            for (int j = 0; j < n2; j += 2)
            {
                float* b0 = bt + (nint)j * v.K, b1 = b0 + v.K;
                Vector512<float> s0 = default, s1 = default;
                for (int k = 0; k < k16; k += 16)
                {
                    var x = Vector512.Load(a0 + k);
                    s0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + k), s0);
                    s1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b1 + k), s1);
                }
                DotOut(v, v.C + i * v.Ci + j * v.Cj, j, Vector512.Sum(s0) + Tail(a0, b0, k16, v.K), Vector512.Sum(s1) + Tail(a0, b1, k16, v.K));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Tail(float* a, float* b, int from, int to)
    {
        float s = 0f;
        for (int k = from; k < to; k++) s += a[k] * b[k];
        return s;
    }

    /// <summary>Writes C(i, j) and, when it exists, C(i, j+1) from their sums.</summary>
    private static void DotOut(in View v, float* c, int j, float s0, float s1)
    {
        c[0] = v.Beta == 0f ? v.Alpha * s0 : v.Alpha * s0 + v.Beta * c[0];
        if (j + 1 < v.N)
        {
            float* c1 = c + v.Cj;
            *c1 = v.Beta == 0f ? v.Alpha * s1 : v.Alpha * s1 + v.Beta * *c1;
        }
    }

    /// <summary>Column-major A: 64 rows × 2 columns per pass (8 chains), B(k, j) broadcast from a packed copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NarrowAxpy(in View v, float* bp, float* tile)
    {
        int n2 = (v.N + 1) & ~1;
        for (int k = 0; k < v.K; k++) // bp[k·n2 + j] = B(k, j), a zero column pads odd N
            for (int j = 0; j < n2; j++)
                bp[(nint)k * n2 + j] = j < v.N ? v.B[k * v.Bk + j * v.Bj] : 0f;

        for (int i = 0; i < v.M; i += 64)
        {
            int rows = Math.Min(64, v.M - i);
            float* a = v.A + i;
            for (int j = 0; j < n2; j += 2)
            {
                if (rows == 64)
                {
                    Vector512<float> s00 = default, s01 = default, s10 = default, s11 = default,
                        s20 = default, s21 = default, s30 = default, s31 = default;
                    float* ak = a, bk = bp + j;
                    for (int k = 0; k < v.K; k++, ak += v.Ak, bk += n2)
                    {
                        var y0 = Vector512.Create(bk[0]);
                        var y1 = Vector512.Create(bk[1]);
                        var x = Vector512.Load(ak);
                        s00 = Vector512.FusedMultiplyAdd(x, y0, s00); s01 = Vector512.FusedMultiplyAdd(x, y1, s01);
                        x = Vector512.Load(ak + 16);
                        s10 = Vector512.FusedMultiplyAdd(x, y0, s10); s11 = Vector512.FusedMultiplyAdd(x, y1, s11);
                        x = Vector512.Load(ak + 32);
                        s20 = Vector512.FusedMultiplyAdd(x, y0, s20); s21 = Vector512.FusedMultiplyAdd(x, y1, s21);
                        x = Vector512.Load(ak + 48);
                        s30 = Vector512.FusedMultiplyAdd(x, y0, s30); s31 = Vector512.FusedMultiplyAdd(x, y1, s31);
                    }
                    // tile[r·2 + t] = sum for row i + r, column j + t
                    s00.Store(tile); s10.Store(tile + 16); s20.Store(tile + 32); s30.Store(tile + 48);
                    s01.Store(tile + 64); s11.Store(tile + 80); s21.Store(tile + 96); s31.Store(tile + 112);
                }
                else
                {
                    int r = 0;
                    for (; r + 16 <= rows; r += 16)
                    {
                        Vector512<float> s0 = default, s1 = default;
                        float* ak = a + r, bk = bp + j;
                        for (int k = 0; k < v.K; k++, ak += v.Ak, bk += n2)
                        {
                            var x = Vector512.Load(ak);
                            s0 = Vector512.FusedMultiplyAdd(x, Vector512.Create(bk[0]), s0);
                            s1 = Vector512.FusedMultiplyAdd(x, Vector512.Create(bk[1]), s1);
                        }
                        s0.Store(tile + r);
                        s1.Store(tile + 64 + r);
                    }
                    for (; r < rows; r++)
                    {
                        float s0 = 0f, s1 = 0f;
                        float* ak = a + r, bk = bp + j;
                        for (int k = 0; k < v.K; k++, ak += v.Ak, bk += n2)
                        {
                            s0 += *ak * bk[0];
                            s1 += *ak * bk[1];
                        }
                        tile[r] = s0;
                        tile[64 + r] = s1;
                    }
                }
                for (int r = 0; r < rows; r++)
                    DotOut(v, v.C + (i + r) * v.Ci + j * v.Cj, j, tile[r], tile[64 + r]);
            }
        }
    }
}
