namespace GpuGen.Backends;

/// <summary>
/// Arguments of a batched, row-major SGEMM: for each b in [0, Batch),
/// C_b[M,N] = Alpha · op(A_b)[M,K] · op(B_b)[K,N] + Beta · C_b, where op transposes when flagged.
/// A_b starts at OffsetA + b·StrideA with leading dimension Lda (elements per stored row), and so
/// on for B and C. Beta == 0 means C is not read (it may hold garbage or NaN), as in BLAS.
/// </summary>
public readonly record struct GemmArgs(
    bool TransA, bool TransB, int M, int N, int K,
    float Alpha, float Beta,
    int Lda, int Ldb, int Ldc,
    int Batch = 1, long StrideA = 0, long StrideB = 0, long StrideC = 0,
    long OffsetA = 0, long OffsetB = 0, long OffsetC = 0)
{
    /// <summary>Plain C = op(A)·op(B) with packed leading dimensions.</summary>
    public static GemmArgs Simple(int m, int n, int k, bool transA = false, bool transB = false, float alpha = 1f, float beta = 0f) =>
        new(transA, transB, m, n, k, alpha, beta,
            Lda: transA ? m : k, Ldb: transB ? k : n, Ldc: n);

    public double Flops => 2.0 * M * N * K * Batch;
}
