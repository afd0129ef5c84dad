/* Reference point for sgemm_n{512,1024,2048}: the same C = A·B through the system OpenBLAS.
 * Build and run (Debian: apt-get install libopenblas-dev):
 *   gcc -O2 bench/reference/openblas_sgemm.c -o /tmp/openblas_sgemm -lopenblas
 *   OPENBLAS_NUM_THREADS=2 /tmp/openblas_sgemm
 * Prints GFLOP/s = 2n³ / best-of-7 time / 1e9 for each n, and one small shape of ddpm_2d_step. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static double best_of(int reps, int m, int n, int k, int transB, const float *a, const float *b, float *c)
{
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, transB ? CblasTrans : CblasNoTrans, m, n, k,
                    1.0f, a, k, b, transB ? k : n, 0.0f, c, n);
        double dt = now() - t0;
        if (dt < best) best = dt;
    }
    return best;
}

int main(void)
{
    const int sizes[] = {512, 1024, 2048};
    for (int q = 0; q < 3; q++) {
        int n = sizes[q];
        float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n), *c = malloc(sizeof(float) * n * n);
        for (long i = 0; i < (long)n * n; i++) { a[i] = rand() / (float)RAND_MAX; b[i] = rand() / (float)RAND_MAX; }
        best_of(2, n, n, n, 0, a, b, c);   /* warm-up */
        printf("sgemm_n%d %.1f GFLOP/s\n", n, 2.0 * n * n * n / best_of(7, n, n, n, 0, a, b, c) / 1e9);
        free(a); free(b); free(c);
    }
    int m = 1024, n = 128, k = 128;
    float *a = calloc(m * k, sizeof(float)), *b = calloc(n * k, sizeof(float)), *c = calloc(m * n, sizeof(float));
    double t = best_of(200, m, n, k, 1, a, b, c);
    printf("1024x128x128 (B transposed) %.1f us, %.1f GFLOP/s\n", t * 1e6, 2.0 * m * n * k / t / 1e9);
    return 0;
}
