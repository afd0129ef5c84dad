/* The peer of `gpugen bench sgemm_shapes`: the same shapes through the system OpenBLAS, timed the same
 * way (warm-up, then the median of 7 repetitions of >= ~5 ms), for bench/sgemm-peer.sh, which builds
 * and runs it beside GpuGen. The shape list is the one in bench/GpuGen.Bench/SgemmShapes.cs, names
 * and all; the script stops if the two lists differ.
 *
 * Each shape is run the ways OpenBLAS can run it on this machine's cores, and the faster is reported
 * (OpenBLAS at its best):
 *   - one GEMM: cblas_sgemm on OpenBLAS's own threads;
 *   - a batch: a loop of cblas_sgemm on OpenBLAS's threads, or the batches split between one
 *     single-threaded caller per core (as GpuGen splits them);
 *   - a "serial" row (the direct convolution's per-tap GEMMs, ldb = N, beta = 1): each core runs
 *     9 of them back to back on its own operands, single-threaded, all cores at once.
 * Prints one line per shape, then one JSON object on the last line.
 *
 * Build: gcc -O2 -pthread bench/reference/openblas_shapes.c -o openblas_shapes -lopenblas
 * Run:   OPENBLAS_NUM_THREADS=$(nproc) ./openblas_shapes */
#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* From OpenBLAS's cblas.h on current versions; declared here for older headers. */
extern void openblas_set_num_threads(int);
extern int openblas_get_num_threads(void);
extern char *openblas_get_corename(void);
extern char *openblas_get_config(void);

#define SERIAL_RUN 9
#define MAX_CORES 64

typedef struct {
    int m, n, k, trans_a, trans_b, batch;
    float beta;
    int serial;
} shape;

static const shape shapes[] = {
    {1024, 1024, 1024, 0, 0, 1, 0.f, 0},
    {64, 32, 840, 0, 0, 1, 1.f, 1},
    {32, 96, 840, 0, 0, 1, 1.f, 1},
    {32, 32, 840, 0, 0, 1, 1.f, 1},
    {64, 128, 224, 0, 0, 1, 1.f, 1},
    {64, 64, 224, 0, 0, 1, 1.f, 1},
    {96, 784, 32, 1, 0, 2, 0.f, 0},
    {32, 96, 784, 0, 1, 2, 1.f, 0},
    {32, 784, 96, 0, 0, 2, 1.f, 0},
    {128, 512, 784, 0, 1, 1, 1.f, 0},
    {128, 784, 512, 0, 1, 1, 1.f, 0},
    {128, 512, 784, 0, 0, 1, 0.f, 0},
    {512, 784, 128, 1, 0, 1, 0.f, 0},
    {784, 512, 128, 1, 0, 1, 0.f, 0},
    {128, 512, 512, 0, 0, 1, 0.f, 0},
    {128, 512, 512, 0, 1, 1, 1.f, 0},
    {512, 512, 128, 1, 0, 1, 0.f, 0},
    {128, 256, 20, 0, 0, 1, 0.f, 0},
    {128, 49, 1024, 0, 0, 2, 0.f, 0},
    {128, 1024, 49, 0, 1, 2, 1.f, 0},
    {64, 64, 840, 0, 0, 1, 1.f, 1},
    {256, 64, 784, 1, 1, 1, 1.f, 0},
    {64, 784, 256, 1, 1, 32, 0.f, 0},
    {784, 256, 64, 1, 1, 32, 1.f, 0},
};

/* The operands of one shape: one set per core for a serial row (each core its own), else one. */
typedef struct {
    const shape *s;
    float *a[MAX_CORES], *b[MAX_CORES], *c[MAX_CORES];
    int copies;
} operands;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* U(-1, 1) from a fixed-seed LCG (the values do not change the cost). */
static float *filled(long n, unsigned long long *state)
{
    float *p = aligned_alloc(64, ((size_t)n * sizeof(float) + 63) / 64 * 64);
    if (!p) { fprintf(stderr, "openblas_shapes: out of memory (%ld floats)\n", n); exit(1); }
    for (long i = 0; i < n; i++) {
        *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
        p[i] = (float)((*state >> 40) / (double)(1 << 24)) * 2.f - 1.f;
    }
    return p;
}

/* Batches [first, end) of the shape on the calling thread, on operand set `set`. */
static void gemms(const operands *o, int set, int first, int end)
{
    const shape *s = o->s;
    long sa = (long)s->m * s->k, sb = (long)s->k * s->n, sc = (long)s->m * s->n;
    for (int i = first; i < end; i++)
        cblas_sgemm(CblasRowMajor, s->trans_a ? CblasTrans : CblasNoTrans, s->trans_b ? CblasTrans : CblasNoTrans,
                    s->m, s->n, s->k, 1.f, o->a[set] + i * sa, s->trans_a ? s->m : s->k,
                    o->b[set] + i * sb, s->trans_b ? s->k : s->n, s->beta, o->c[set] + i * sc, s->n);
}

/* A spinning barrier for the per-core callers (the repetitions are a few hundred microseconds). */
static atomic_int arrived, generation;
static int cores;

static void barrier(void)
{
    int gen = atomic_load(&generation);
    if (atomic_fetch_add(&arrived, 1) == cores - 1) {
        atomic_store(&arrived, 0);
        atomic_fetch_add(&generation, 1);
    } else {
        while (atomic_load(&generation) == gen) { }
    }
}

/* What the per-core callers run: a shape's operands and how many calls a repetition makes; NULL stops
 * them. Atomic, so the compiler cannot read them ahead of the barrier that publishes them. */
static _Atomic(const operands *) job;
static atomic_int job_inner;

/* Core `part`'s share of one call: 9 GEMMs on its own operands (serial) or its run of the batches. */
static void part_of(const operands *o, int part)
{
    const shape *s = o->s;
    if (s->serial) {
        for (int r = 0; r < SERIAL_RUN; r++) gemms(o, part, 0, 1);
    } else {
        gemms(o, 0, (int)((long)s->batch * part / cores), (int)((long)s->batch * (part + 1) / cores));
    }
}

static void *caller(void *arg)
{
    int part = (int)(long)arg;
    for (;;) {
        barrier();
        if (!job) return NULL;
        for (int i = 0; i < job_inner; i++) part_of(job, part);
        barrier();
    }
}

/* One repetition of `inner` calls, timed: on OpenBLAS's threads, or one single-threaded caller per core. */
static double repetition(const operands *o, int per_core, int inner)
{
    double t0 = now();
    if (!per_core) {
        for (int i = 0; i < inner; i++) gemms(o, 0, 0, o->s->batch);
    } else {
        job = o;
        job_inner = inner;
        barrier();
        for (int i = 0; i < inner; i++) part_of(o, 0);
        barrier();
    }
    return now() - t0;
}

/* Starts the per-core callers (they spin, so only while a per-core measurement runs), or stops them. */
static pthread_t helpers[MAX_CORES];

static void callers(int start)
{
    if (start) {
        for (int p = 1; p < cores; p++) pthread_create(&helpers[p], NULL, caller, (void *)(long)p);
        return;
    }
    job = NULL;
    barrier();
    for (int p = 1; p < cores; p++) pthread_join(helpers[p], NULL);
}

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static double flops_of(const shape *s)
{
    return 2.0 * s->m * s->n * s->k * s->batch * (s->serial ? (double)cores * SERIAL_RUN : 1);
}

/* Median and best GFLOP/s of 7 repetitions after a warm-up, as GpuGen's Timer.Measure. */
static void measure(const operands *o, int per_core, double *median, double *best)
{
    double flops = flops_of(o->s);
    int inner = (int)fmin(fmax(1e9 / flops, 1), 2000);
    double t[7];
    if (per_core) { openblas_set_num_threads(1); callers(1); }
    repetition(o, per_core, inner < 3 ? 3 : inner);
    for (int r = 0; r < 7; r++) t[r] = repetition(o, per_core, inner) / inner;
    if (per_core) { callers(0); openblas_set_num_threads(cores); }
    qsort(t, 7, sizeof t[0], by_value);
    *median = flops / t[3] / 1e9;
    *best = flops / t[0] / 1e9;
}

/*
 * The per-core runs call OpenBLAS from several threads at once. Checks that this library computes the
 * same there: every core runs the same single-threaded GEMM into a C of its own, and every C must
 * equal the one computed alone, bit for bit (giving one core a different A makes the check fail).
 */
static void same_from_every_core(void)
{
    static const shape probe = {200, 300, 400, 0, 0, 1, 0.f, 1};
    operands o = {.s = &probe, .copies = cores};
    unsigned long long state = 7;
    float *a = filled(200L * 400, &state), *b = filled(400L * 300, &state), *alone = malloc(sizeof(float) * 200 * 300);
    if (!alone) { fprintf(stderr, "openblas_shapes: out of memory\n"); exit(1); }
    for (int i = 0; i < cores; i++) { o.a[i] = a; o.b[i] = b; o.c[i] = filled(200L * 300, &state); }
    openblas_set_num_threads(1);
    gemms(&o, 0, 0, 1);
    memcpy(alone, o.c[0], sizeof(float) * 200 * 300);
    callers(1);
    repetition(&o, 1, 1);
    callers(0);
    openblas_set_num_threads(cores);
    for (int i = 0; i < cores; i++)
        if (memcmp(alone, o.c[i], sizeof(float) * 200 * 300) != 0) {
            fprintf(stderr, "openblas_shapes: OpenBLAS called from %d threads at once computed a different C on thread %d; "
                            "the per-core rows would not be valid with this library\n", cores, i);
            exit(1);
        }
    for (int i = 0; i < cores; i++) free(o.c[i]);
    free(a); free(b); free(alone);
}

static void name_of(const shape *s, char *out, size_t size)
{
    char batch[16] = "";
    if (s->batch > 1) snprintf(batch, sizeof batch, "_b%d", s->batch);
    snprintf(out, size, "%s%dx%dx%d_%c%c%s", s->serial ? "serial_" : "", s->m, s->n, s->k,
             s->trans_a ? 't' : 'n', s->trans_b ? 't' : 'n', batch);
}

int main(void)
{
    cores = openblas_get_num_threads();
    if (cores < 1 || cores > MAX_CORES) { fprintf(stderr, "openblas_shapes: %d threads (1..%d)\n", cores, MAX_CORES); return 1; }
    same_from_every_core();
    int count = sizeof shapes / sizeof shapes[0];
    char json[16384];
    size_t used = (size_t)snprintf(json, sizeof json, "{\"core\":\"%s\",\"config\":\"%s\",\"threads\":%d,\"results\":{",
                                   openblas_get_corename(), openblas_get_config(), cores);
    for (int q = 0; q < count; q++) {
        const shape *s = &shapes[q];
        operands o = {.s = s, .copies = s->serial ? cores : 1};
        unsigned long long state = (unsigned long long)s->m * 31 + s->n * 7 + s->k;
        for (int i = 0; i < o.copies; i++) {
            o.a[i] = filled((long)s->m * s->k * s->batch, &state);
            o.b[i] = filled((long)s->k * s->n * s->batch, &state);
            o.c[i] = filled((long)s->m * s->n * s->batch, &state);
        }
        /* One GEMM: OpenBLAS's threads. A serial row: per core. A batch: the faster of the two. */
        double median, best, median2 = 0, best2 = 0;
        const char *how = s->serial ? "per-core" : "threads";
        measure(&o, s->serial, &median, &best);
        if (!s->serial && s->batch >= cores) {
            measure(&o, 1, &median2, &best2);
            if (median2 > median) { median = median2; best = best2; how = "per-core"; }
        }
        char name[64];
        name_of(s, name, sizeof name);
        printf("%-28s %7.1f GFLOP/s median, %7.1f best (%s)\n", name, median, best, how);
        used += (size_t)snprintf(json + used, sizeof json - used, "%s\"%s\":{\"gflops\":%.3f,\"best_gflops\":%.3f,\"how\":\"%s\"}",
                                 q ? "," : "", name, median, best, how);
        for (int i = 0; i < o.copies; i++) { free(o.a[i]); free(o.b[i]); free(o.c[i]); }
    }
    printf("%s}}\n", json);
    return 0;
}
