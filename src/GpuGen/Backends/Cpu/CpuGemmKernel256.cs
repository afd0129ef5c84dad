using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GpuGen.Backends.Cpu;

/// <summary>
/// The portable micro-kernel for CPUs without fast 512-bit vectors: the same packed layouts and the
/// same tile (mrs × 32) as the AVX-512 kernels, computed in 4-row × 16-column pieces of eight ymm
/// accumulators (16 ymm registers in AVX2), so A and B are re-read from L1 a few times per tile.
/// </summary>
internal static unsafe partial class CpuGemm
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel256(int kc, float* a, nint rs, nint ks, float* b, nint bs,
        float* c, nint ci, nint cj, int mr, int mrs, int nr, float alpha, float beta, float* tile)
    {
        for (int r0 = 0; r0 < mrs; r0 += 4)
        {
            float* ar = a + r0 * rs;
            for (int h = 0; h < Nr; h += 16)
            {
                Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default,
                    c20 = default, c21 = default, c30 = default, c31 = default;
                float* ak = ar, bk = b + h;
                for (int k = 0; k < kc; k++, ak += ks, bk += bs)
                {
                    var b0 = Vector256.Load(bk);
                    var b1 = Vector256.Load(bk + 8);
                    var x = Vector256.Create(ak[0]);
                    c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
                    x = Vector256.Create(ak[rs]);
                    c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
                    x = Vector256.Create(ak[2 * rs]);
                    c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
                    x = Vector256.Create(ak[3 * rs]);
                    c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
                }
                float* t = tile + r0 * Nr + h;
                c00.Store(t); c01.Store(t + 8);
                c10.Store(t + Nr); c11.Store(t + Nr + 8);
                c20.Store(t + 2 * Nr); c21.Store(t + 2 * Nr + 8);
                c30.Store(t + 3 * Nr); c31.Store(t + 3 * Nr + 8);
            }
        }
        StoreTile(tile, c, ci, cj, mr, nr, alpha, beta);
    }
}
