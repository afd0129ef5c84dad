// Fast batched SGEMM for large matrices, same arguments and result as sgemm in gemm.cl:
// C_b = alpha·op(A_b)·op(B_b) + beta·C_b. The host picks these kernels only where they pay and where
// their vector loads are legal (see GpuKernels.Gemm): the dimension each operand is stored along
// (K for A, N for B when not transposed; M for Aᵀ, K for Bᵀ), its leading dimension, offset and
// batch stride all multiples of 4 floats, so every float4 lies wholly inside or outside the matrix.
//
// sgemm_tiled (portable; the CUDA backend's default, and tested on OpenCL too): 256 work-items
// compute a 128 × 128 tile of C, each an 8 × 8 register block made of 2 × 2 blocks of 4 × 4 that
// sit 64 rows / columns apart (so a warp's float4 reads of local memory are broadcasts or
// conflict-free). K advances 8 at a time through two local-memory buffers: while the group computes
// on one, each work-item has already loaded its float4 of A and of B for the next step into
// registers, and stores them into the other buffer — one barrier per step, and the global loads'
// latency hides behind the arithmetic.
//
// sgemm_tf32 (CUDA, compute capability 8.0+, only when asked for): the same staging, but the
// product runs on tensor cores, mma.sync m16n8k8 with TF32 inputs (operands rounded to 10-bit
// mantissas, products accumulated in float32): 8 warps in a 2 × 4 arrangement, each a 64 × 32 block
// of 4 × 4 mma tiles.

#define TG_BM 128
#define TG_BN 128
#define TG_BK 8
#define TG_THREADS 256

/// Stages the float4 of op(A) and of op(B) that work-item `tid` owns for the step at k0 into registers.
GG_INLINE void tg_load(int tid, int transA, int transB, int M, int N, int K, int i0, int j0, int k0,
    GG_GLOBAL const float* a, int lda, GG_GLOBAL const float* b, int ldb, float4* ra, float4* rb)
{
    float4 zero = GG_FLOAT4(0.0f, 0.0f, 0.0f, 0.0f);
    if (!transA)
    {
        int i = i0 + (tid >> 1), k = k0 + (tid & 1) * 4; // 128 rows × two float4 along k
        *ra = i < M && k < K ? GG_LOAD4(a + (gg_i64)i * lda + k) : zero;
    }
    else
    {
        int k = k0 + (tid >> 5), i = i0 + (tid & 31) * 4; // 8 rows of Aᵀ's storage × 32 float4 along i
        *ra = i < M && k < K ? GG_LOAD4(a + (gg_i64)k * lda + i) : zero;
    }
    if (!transB)
    {
        int k = k0 + (tid >> 5), j = j0 + (tid & 31) * 4;
        *rb = j < N && k < K ? GG_LOAD4(b + (gg_i64)k * ldb + j) : zero;
    }
    else
    {
        int j = j0 + (tid >> 1), k = k0 + (tid & 1) * 4;
        *rb = j < N && k < K ? GG_LOAD4(b + (gg_i64)j * ldb + k) : zero;
    }
}

/// Writes the staged float4s into local memory as As[k][i] and Bs[k][j].
GG_INLINE void tg_store(int tid, int transA, int transB, float4 ra, float4 rb,
    GG_LOCAL_PTR float* as, GG_LOCAL_PTR float* bs)
{
    if (!transA)
    {
        int i = tid >> 1, k = (tid & 1) * 4;
        as[(k + 0) * TG_BM + i] = ra.x;
        as[(k + 1) * TG_BM + i] = ra.y;
        as[(k + 2) * TG_BM + i] = ra.z;
        as[(k + 3) * TG_BM + i] = ra.w;
    }
    else
    {
        GG_STORE4(ra, as + (tid >> 5) * TG_BM + (tid & 31) * 4);
    }
    if (!transB)
    {
        GG_STORE4(rb, bs + (tid >> 5) * TG_BN + (tid & 31) * 4);
    }
    else
    {
        int j = tid >> 1, k = (tid & 1) * 4;
        bs[(k + 0) * TG_BN + j] = rb.x;
        bs[(k + 1) * TG_BN + j] = rb.y;
        bs[(k + 2) * TG_BN + j] = rb.z;
        bs[(k + 3) * TG_BN + j] = rb.w;
    }
}

/// c[i, j] = alpha·v (+ beta·c[i, j]) inside the matrix; beta == 0 never reads C.
GG_INLINE void tg_put(GG_GLOBAL float* c, int ldc, int M, int N, int i, int j, float alpha, float beta, float v)
{
    if (i >= M || j >= N) return;
    GG_GLOBAL float* p = c + (gg_i64)i * ldc + j;
    float s = alpha * v;
    *p = beta == 0.0f ? s : gg_fma(beta, *p, s);
}

GG_KERNEL GG_BOUNDS(TG_THREADS) void sgemm_tiled(int transA, int transB, int M, int N, int K, float alpha, float beta,
    GG_GLOBAL const float* A, int lda, gg_i64 offsetA, gg_i64 strideA,
    GG_GLOBAL const float* B, int ldb, gg_i64 offsetB, gg_i64 strideB,
    GG_GLOBAL float* C, int ldc, gg_i64 offsetC, gg_i64 strideC)
{
    GG_LOCAL_ALIGNED float As[2 * TG_BK * TG_BM];
    GG_LOCAL_ALIGNED float Bs[2 * TG_BK * TG_BN];

    int tid = GG_LOCAL_ID(0), tx = tid & 15, ty = tid >> 4;
    int i0 = GG_GROUP_ID(1) * TG_BM, j0 = GG_GROUP_ID(0) * TG_BN, batch = GG_GROUP_ID(2);
    GG_GLOBAL const float* a = A + offsetA + batch * strideA;
    GG_GLOBAL const float* b = B + offsetB + batch * strideB;
    GG_GLOBAL float* c = C + offsetC + batch * strideC;

    float acc[8][8];
    for (int m = 0; m < 8; m++)
        for (int n = 0; n < 8; n++) acc[m][n] = 0.0f;

    float4 ra, rb;
    int steps = (K + TG_BK - 1) / TG_BK;
    tg_load(tid, transA, transB, M, N, K, i0, j0, 0, a, lda, b, ldb, &ra, &rb);
    tg_store(tid, transA, transB, ra, rb, As, Bs);
    GG_BARRIER();

    for (int step = 0; step < steps; step++)
    {
        int cur = step & 1;
        if (step + 1 < steps) tg_load(tid, transA, transB, M, N, K, i0, j0, (step + 1) * TG_BK, a, lda, b, ldb, &ra, &rb);
        GG_LOCAL_PTR float* as = As + cur * (TG_BK * TG_BM);
        GG_LOCAL_PTR float* bs = Bs + cur * (TG_BK * TG_BN);
        for (int kk = 0; kk < TG_BK; kk++)
        {
            float4 a0 = GG_LOAD4(as + kk * TG_BM + ty * 4), a1 = GG_LOAD4(as + kk * TG_BM + 64 + ty * 4);
            float4 b0 = GG_LOAD4(bs + kk * TG_BN + tx * 4), b1 = GG_LOAD4(bs + kk * TG_BN + 64 + tx * 4);
            float ar[8] = { a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w };
            float br[8] = { b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w };
            for (int m = 0; m < 8; m++)
                for (int n = 0; n < 8; n++) acc[m][n] = gg_fma(ar[m], br[n], acc[m][n]);
        }
        // The other buffer was last read in the previous step, before its closing barrier.
        if (step + 1 < steps) tg_store(tid, transA, transB, ra, rb, As + (cur ^ 1) * (TG_BK * TG_BM), Bs + (cur ^ 1) * (TG_BK * TG_BN));
        GG_BARRIER();
    }

    for (int m = 0; m < 8; m++)
    {
        int i = i0 + (m < 4 ? ty * 4 + m : 64 + ty * 4 + m - 4);
        for (int n = 0; n < 8; n++)
            tg_put(c, ldc, M, N, i, j0 + (n < 4 ? tx * 4 + n : 64 + tx * 4 + n - 4), alpha, beta, acc[m][n]);
    }
}

#ifdef GG_CUDA
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
/// x rounded to TF32 (round to nearest, ties away), as the 32-bit register mma.sync takes.
GG_INLINE uint tg_tf32(float x)
{
    uint r;
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
    return r;
}
#endif

GG_KERNEL GG_BOUNDS(TG_THREADS) void sgemm_tf32(int transA, int transB, int M, int N, int K, float alpha, float beta,
    GG_GLOBAL const float* A, int lda, gg_i64 offsetA, gg_i64 strideA,
    GG_GLOBAL const float* B, int ldb, gg_i64 offsetB, gg_i64 strideB,
    GG_GLOBAL float* C, int ldc, gg_i64 offsetC, gg_i64 strideC)
{
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    GG_LOCAL_ALIGNED float As[2 * TG_BK * TG_BM];
    GG_LOCAL_ALIGNED float Bs[2 * TG_BK * TG_BN];

    int tid = GG_LOCAL_ID(0), lane = tid & 31, warp = tid >> 5;
    int g = lane >> 2, q = lane & 3;            // mma fragment coordinates: group and thread in group
    int wm = (warp >> 2) * 64, wn = (warp & 3) * 32;
    int i0 = GG_GROUP_ID(1) * TG_BM, j0 = GG_GROUP_ID(0) * TG_BN, batch = GG_GROUP_ID(2);
    GG_GLOBAL const float* a = A + offsetA + batch * strideA;
    GG_GLOBAL const float* b = B + offsetB + batch * strideB;
    GG_GLOBAL float* c = C + offsetC + batch * strideC;

    float acc[4][4][4];
#pragma unroll
    for (int mi = 0; mi < 4; mi++)
#pragma unroll
        for (int ni = 0; ni < 4; ni++)
#pragma unroll
            for (int r = 0; r < 4; r++) acc[mi][ni][r] = 0.0f;

    float4 ra, rb;
    int steps = (K + TG_BK - 1) / TG_BK;
    tg_load(tid, transA, transB, M, N, K, i0, j0, 0, a, lda, b, ldb, &ra, &rb);
    tg_store(tid, transA, transB, ra, rb, As, Bs);
    GG_BARRIER();

    for (int step = 0; step < steps; step++)
    {
        int cur = step & 1;
        if (step + 1 < steps) tg_load(tid, transA, transB, M, N, K, i0, j0, (step + 1) * TG_BK, a, lda, b, ldb, &ra, &rb);
        const float* as = As + cur * (TG_BK * TG_BM);
        const float* bs = Bs + cur * (TG_BK * TG_BN);
        // A fragment (16 × 8, row-major): a0 (g, q), a1 (g + 8, q), a2 (g, q + 4), a3 (g + 8, q + 4).
        uint af[4][4], bf[4][2];
#pragma unroll
        for (int mi = 0; mi < 4; mi++)
        {
            int r = wm + mi * 16 + g;
            af[mi][0] = tg_tf32(as[q * TG_BM + r]);
            af[mi][1] = tg_tf32(as[q * TG_BM + r + 8]);
            af[mi][2] = tg_tf32(as[(q + 4) * TG_BM + r]);
            af[mi][3] = tg_tf32(as[(q + 4) * TG_BM + r + 8]);
        }
        // B fragment (8 × 8, column-major): b0 (q, g), b1 (q + 4, g).
#pragma unroll
        for (int ni = 0; ni < 4; ni++)
        {
            int col = wn + ni * 8 + g;
            bf[ni][0] = tg_tf32(bs[q * TG_BN + col]);
            bf[ni][1] = tg_tf32(bs[(q + 4) * TG_BN + col]);
        }
#pragma unroll
        for (int mi = 0; mi < 4; mi++)
#pragma unroll
            for (int ni = 0; ni < 4; ni++)
                asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};"
                    : "+f"(acc[mi][ni][0]), "+f"(acc[mi][ni][1]), "+f"(acc[mi][ni][2]), "+f"(acc[mi][ni][3])
                    : "r"(af[mi][0]), "r"(af[mi][1]), "r"(af[mi][2]), "r"(af[mi][3]), "r"(bf[ni][0]), "r"(bf[ni][1]));
        if (step + 1 < steps) tg_store(tid, transA, transB, ra, rb, As + (cur ^ 1) * (TG_BK * TG_BM), Bs + (cur ^ 1) * (TG_BK * TG_BN));
        GG_BARRIER();
    }

    // C fragment (16 × 8): c0 (g, 2q), c1 (g, 2q + 1), c2 (g + 8, 2q), c3 (g + 8, 2q + 1).
#pragma unroll
    for (int mi = 0; mi < 4; mi++)
#pragma unroll
        for (int ni = 0; ni < 4; ni++)
        {
            int i = i0 + wm + mi * 16 + g, j = j0 + wn + ni * 8 + 2 * q;
            tg_put(c, ldc, M, N, i, j, alpha, beta, acc[mi][ni][0]);
            tg_put(c, ldc, M, N, i, j + 1, alpha, beta, acc[mi][ni][1]);
            tg_put(c, ldc, M, N, i + 8, j, alpha, beta, acc[mi][ni][2]);
            tg_put(c, ldc, M, N, i + 8, j + 1, alpha, beta, acc[mi][ni][3]);
        }
#endif
}
#endif
