// Batched row-major SGEMM, C_b = alpha·op(A_b)·op(B_b) + beta·C_b (GemmArgs documents the layout).
// One work-group computes a GEMM_TM × GEMM_TN tile of C: each step stages a GEMM_TK-deep slice of
// op(A) and op(B) in local memory (zero outside the matrices, so ragged edges need no special
// path), then every work-item accumulates a GEMM_WM × GEMM_WN block of C in registers. A work-item's
// rows are strided by the group's height (GEMM_TM / GEMM_WM); its columns come in runs of GEMM_VW
// adjacent columns, the runs strided by GEMM_VW × the group's width, so each run is contiguous in
// local memory and in C (one vector load / store on devices that vectorize per work-item).
//
// The transposes only change how the staging loads index global memory: the loads walk the stored
// rows (k for A, j for B when not transposed) fastest, so neighbouring work-items read neighbouring
// addresses either way. beta == 0 never reads C (it may hold NaN), as in BLAS. The grid is
// (N / GEMM_WN, M / GEMM_WM, batch), each rounded up to whole tiles.

#ifndef GEMM_TM
#define GEMM_TM 64
#endif
#ifndef GEMM_TN
#define GEMM_TN 64
#endif
#ifndef GEMM_TK
#define GEMM_TK 32
#endif
#ifndef GEMM_WM
#define GEMM_WM 4
#endif
#ifndef GEMM_WN
#define GEMM_WN 8
#endif
#ifndef GEMM_VW
#define GEMM_VW 4
#endif

#define GEMM_RM (GEMM_TM / GEMM_WM) // work-items along M
#define GEMM_RN (GEMM_TN / GEMM_WN) // work-items along N
#define GEMM_THREADS (GEMM_RM * GEMM_RN)

#if GEMM_TM % GEMM_WM != 0 || GEMM_TN % GEMM_WN != 0 || GEMM_WN % GEMM_VW != 0
#error "GEMM tiling: GEMM_WM must divide GEMM_TM, GEMM_WN divide GEMM_TN, GEMM_VW divide GEMM_WN"
#endif

/// Column of the tile that a work-item's register column w covers (runs of GEMM_VW adjacent columns).
#define GEMM_COL(tn, w) (((w) / GEMM_VW) * (GEMM_VW * GEMM_RN) + (tn) * GEMM_VW + (w) % GEMM_VW)

GG_KERNEL void sgemm(int transA, int transB, int M, int N, int K, float alpha, float beta,
    GG_GLOBAL const float* A, int lda, gg_i64 offsetA, gg_i64 strideA,
    GG_GLOBAL const float* B, int ldb, gg_i64 offsetB, gg_i64 strideB,
    GG_GLOBAL float* C, int ldc, gg_i64 offsetC, gg_i64 strideC)
{
    GG_LOCAL float As[GEMM_TK][GEMM_TM];
    GG_LOCAL float Bs[GEMM_TK][GEMM_TN];

    int tn = GG_LOCAL_ID(0), tm = GG_LOCAL_ID(1);
    int tid = tm * GEMM_RN + tn;
    int i0 = GG_GROUP_ID(1) * GEMM_TM, j0 = GG_GROUP_ID(0) * GEMM_TN, batch = GG_GROUP_ID(2);
    GG_GLOBAL const float* a = A + offsetA + batch * strideA;
    GG_GLOBAL const float* b = B + offsetB + batch * strideB;
    GG_GLOBAL float* c = C + offsetC + batch * strideC;

    float acc[GEMM_WM][GEMM_WN];
    for (int wm = 0; wm < GEMM_WM; wm++)
        for (int wn = 0; wn < GEMM_WN; wn++) acc[wm][wn] = 0.0f;

    for (int k0 = 0; k0 < K; k0 += GEMM_TK)
    {
        // Stage op(A)[i0 .. i0+TM, k0 .. k0+TK) as As[k][i] and op(B)[k0 .. k0+TK, j0 .. j0+TN) as Bs[k][j].
        for (int e = tid; e < GEMM_TK * GEMM_TM; e += GEMM_THREADS)
        {
            int kk = transA ? e / GEMM_TM : e % GEMM_TK;
            int ii = transA ? e % GEMM_TM : e / GEMM_TK;
            int i = i0 + ii, k = k0 + kk;
            float v = 0.0f;
            if (i < M && k < K) v = transA ? a[(gg_i64)k * lda + i] : a[(gg_i64)i * lda + k];
            As[kk][ii] = v;
        }
        for (int e = tid; e < GEMM_TK * GEMM_TN; e += GEMM_THREADS)
        {
            int kk = transB ? e % GEMM_TK : e / GEMM_TN;
            int jj = transB ? e / GEMM_TK : e % GEMM_TN;
            int j = j0 + jj, k = k0 + kk;
            float v = 0.0f;
            if (j < N && k < K) v = transB ? b[(gg_i64)j * ldb + k] : b[(gg_i64)k * ldb + j];
            Bs[kk][jj] = v;
        }
        GG_BARRIER();

        for (int kk = 0; kk < GEMM_TK; kk++)
        {
            float ar[GEMM_WM], br[GEMM_WN];
            for (int wm = 0; wm < GEMM_WM; wm++) ar[wm] = As[kk][tm + wm * GEMM_RM];
            for (int wn = 0; wn < GEMM_WN; wn++) br[wn] = Bs[kk][GEMM_COL(tn, wn)];
            for (int wm = 0; wm < GEMM_WM; wm++)
                for (int wn = 0; wn < GEMM_WN; wn++) acc[wm][wn] = gg_fma(ar[wm], br[wn], acc[wm][wn]);
        }
        GG_BARRIER();
    }

    for (int wm = 0; wm < GEMM_WM; wm++)
    {
        int i = i0 + tm + wm * GEMM_RM;
        if (i >= M) continue;
        GG_GLOBAL float* row = c + (gg_i64)i * ldc;
        for (int wn = 0; wn < GEMM_WN; wn++)
        {
            int j = j0 + GEMM_COL(tn, wn);
            if (j >= N) continue;
            float v = alpha * acc[wm][wn];
            row[j] = beta == 0.0f ? v : gg_fma(beta, row[j], v);
        }
    }
}
