namespace GpuGen.Backends.Cpu;

/// <summary>Row-major SGEMM for the CPU backend (placeholder: replaced by the packed, register-tiled kernel).</summary>
internal static unsafe class CpuGemm
{
    public static void Sgemm(in GemmArgs g, float* a, float* b, float* c)
    {
        for (int batch = 0; batch < g.Batch; batch++)
        {
            float* A = a + g.OffsetA + batch * g.StrideA;
            float* B = b + g.OffsetB + batch * g.StrideB;
            float* C = c + g.OffsetC + batch * g.StrideC;
            for (int i = 0; i < g.M; i++)
                for (int j = 0; j < g.N; j++)
                {
                    float s = 0;
                    for (int p = 0; p < g.K; p++)
                        s += (g.TransA ? A[p * g.Lda + i] : A[i * g.Lda + p]) * (g.TransB ? B[j * g.Ldb + p] : B[p * g.Ldb + j]);
                    float* dst = C + i * g.Ldc + j;
                    *dst = g.Beta == 0f ? g.Alpha * s : g.Alpha * s + g.Beta * *dst;
                }
        }
    }
}
