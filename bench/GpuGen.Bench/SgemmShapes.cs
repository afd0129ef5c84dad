using System.Runtime.InteropServices;
using GpuGen.Backends;
using GpuGen.Backends.Cpu;
using GpuGen.Tensors;

namespace GpuGen.Bench;

/// <summary>
/// sgemm_shapes: the CPU SGEMM at 1024³ and at the GEMM shapes the families run (logged from the GEMM
/// entry points during their training steps), each timed on its own: GFLOP/s and the fraction of the
/// FMA peak measured at the start of the run, printed per shape and reported as
/// <c>&lt;shape&gt;_gflops</c> / <c>&lt;shape&gt;_fraction_of_peak</c>. Two kinds of row:
/// a whole GEMM through <see cref="CpuGemm.Sgemm"/> (split between the cores), and "serial" GEMMs, the
/// per-tap weight-gradient GEMMs of the direct convolution, which each core runs on its own part of
/// the batch: timed as both cores running <see cref="SerialRun"/> of them back to back at the same
/// time (2 × 9 × the flops). The iteration that the headline `gflops` times runs every shape once.
/// </summary>
public static class SgemmShapes
{
    /// <summary>One shape: op(A)[M,K]·op(B)[K,N], batch, β, and whether each core runs its own copy (serial).</summary>
    private sealed record Shape(string Family, int M, int N, int K, bool TransA = false, bool TransB = false, int Batch = 1, float Beta = 0f, bool Serial = false)
    {
        public string Name => $"{(Serial ? "serial_" : "")}{M}x{N}x{K}_{(TransA ? 't' : 'n')}{(TransB ? 't' : 'n')}{(Batch > 1 ? $"_b{Batch}" : "")}";

        /// <summary>The flops of one timed call: both cores' runs of <see cref="SerialRun"/> copies for a serial shape.</summary>
        public double Flops => 2.0 * M * N * K * Batch * (Serial ? 2 * SerialRun : 1);

        /// <summary>Row-major operands as the families store them; a serial shape reads B with ldb = N, as the per-tap GEMMs do.</summary>
        public GemmArgs Args => new(TransA, TransB, M, N, K, 1f, Beta,
            Lda: TransA ? M : K, Ldb: TransB ? K : N, Ldc: N, Batch: Batch,
            StrideA: (long)M * K, StrideB: (long)K * N, StrideC: (long)M * N);
    }

    /// <summary>
    /// Per-tap GEMMs each core runs in one hand-off in a serial row: the 9 taps of one image's 3×3
    /// convolution. The direct convolution's weight gradient hands each core a part of the batch and
    /// runs every tap of every image in it back to back. Timing one GEMM per hand-off, as these rows
    /// did before, also timed a fork and a join per GEMM, which the convolution does not pay:
    /// 32×32×840 ran 12% slower that way (363 against 405–413 GFLOP/s on both cores, in process).
    /// </summary>
    private const int SerialRun = 9;

    /// <summary>The shapes, with the family whose step runs them (see bench/RESULTS.md for their share of each step).</summary>
    private static readonly Shape[] Shapes =
    [
        new("sgemm_n1024", 1024, 1024, 1024),
        new("conv2d_fwd_bwd", 64, 32, 840, Beta: 1f, Serial: true),
        new("ddpm_unet_step", 32, 96, 840, Beta: 1f, Serial: true),
        new("ddpm_unet_step", 32, 32, 840, Beta: 1f, Serial: true),
        new("ddpm_unet_step", 64, 128, 224, Beta: 1f, Serial: true),
        new("ddpm_unet_step", 64, 64, 224, Beta: 1f, Serial: true),
        new("ddpm_unet_step", 96, 784, 32, TransA: true, Batch: 2),
        new("ddpm_unet_step", 32, 96, 784, TransB: true, Batch: 2, Beta: 1f),
        new("ddpm_unet_step", 32, 784, 96, Batch: 2, Beta: 1f),
        new("vae_mlp_step, realnvp_mlp_step", 128, 512, 784, TransB: true, Beta: 1f),
        new("vae_mlp_step, realnvp_mlp_step", 128, 784, 512, TransB: true, Beta: 1f),
        new("vae_mlp_step, realnvp_mlp_step", 128, 512, 784),
        new("vae_mlp_step, realnvp_mlp_step", 512, 784, 128, TransA: true),
        new("vae_mlp_step, realnvp_mlp_step", 784, 512, 128, TransA: true),
        new("realnvp_mlp_step", 128, 512, 512),
        new("realnvp_mlp_step", 128, 512, 512, TransB: true, Beta: 1f),
        new("realnvp_mlp_step", 512, 512, 128, TransA: true),
        new("vae_mlp_step", 128, 256, 20),
        new("dcgan_step", 128, 49, 1024, Batch: 2),
        new("dcgan_step", 128, 1024, 49, TransB: true, Batch: 2, Beta: 1f),
        new("pixelcnn_step", 64, 64, 840, Beta: 1f, Serial: true),
        new("pixelcnn_step", 256, 64, 784, TransA: true, TransB: true, Beta: 1f),
        new("pixelcnn_step", 64, 784, 256, TransA: true, TransB: true, Batch: 32),
        new("pixelcnn_step", 784, 256, 64, TransA: true, TransB: true, Batch: 32, Beta: 1f),
    ];

    public static Workload Workload { get; } = new(
        "sgemm_shapes", "the CPU SGEMM at 1024³ and at the families' GEMM shapes, each shape timed on its own",
        device =>
        {
            if (device.Backend is not CpuBackend)
                throw new ArgumentException("sgemm_shapes times the cpu backend's SGEMM; run it with --device cpu");
            var buffers = Shapes.Select(Allocate).ToArray();
            double total = Shapes.Sum(s => s.Flops);
            return new WorkloadRun(
                () =>
                {
                    for (int i = 0; i < Shapes.Length; i++) Run(Shapes[i], buffers[i]);
                },
                Warmup: 2, Reps: 5, Inner: 1,
                m =>
                {
                    var metrics = new Dictionary<string, double> { ["gflops"] = total / m.MedianSeconds / 1e9, ["ms"] = m.MedianSeconds * 1e3 };
                    for (int i = 0; i < Shapes.Length; i++)
                    {
                        var (shape, b) = (Shapes[i], buffers[i]);
                        // Repetitions of at least ~5 ms, so the timer's resolution and a hand-off or two do not count.
                        int inner = (int)Math.Clamp(1e9 / shape.Flops, 1, 2000);
                        var t = Timer.Measure(() => Run(shape, b), () => { }, warmup: Math.Max(3, inner), reps: 7, inner);
                        double gflops = shape.Flops / t.MedianSeconds / 1e9;
                        metrics[$"{shape.Name}_gflops"] = gflops;
                        if (FmaPeak.Last is double peak) metrics[$"{shape.Name}_fraction_of_peak"] = gflops / peak;
                        Console.Error.WriteLine($"  {shape.Name,-28} {gflops,6:F1} GFLOP/s  {gflops / (FmaPeak.Last ?? double.NaN),6:P1} of peak  (foreign busy {t.ForeignBusyFraction:P0}; {shape.Family})");
                    }
                    return metrics;
                },
                new Disposables([.. buffers]));
        });

    /// <summary>A, B and C of one shape (two sets for a serial shape, one per core), filled with U(−1, 1) from a fixed seed (values do not change the cost).</summary>
    private sealed unsafe class Operands : IDisposable
    {
        public readonly float*[] A, B, C;

        public Operands(Shape s)
        {
            int copies = s.Serial ? 2 : 1;
            var rng = new System.Random(s.M * 31 + s.N * 7 + s.K);
            A = new float*[copies];
            B = new float*[copies];
            C = new float*[copies];
            for (int i = 0; i < copies; i++)
            {
                A[i] = Fill((long)s.M * s.K * s.Batch, rng);
                B[i] = Fill((long)s.K * s.N * s.Batch, rng);
                C[i] = Fill((long)s.M * s.N * s.Batch, rng);
            }
        }

        private static float* Fill(long n, System.Random rng)
        {
            var p = (float*)NativeMemory.AlignedAlloc((nuint)(n * sizeof(float)), 64);
            for (long i = 0; i < n; i++) p[i] = 2f * rng.NextSingle() - 1f;
            return p;
        }

        public void Dispose()
        {
            foreach (var set in new[] { A, B, C })
                foreach (var p in set) NativeMemory.AlignedFree(p);
        }
    }

    private static Operands Allocate(Shape s) => new(s);

    private unsafe struct SerialPair
    {
        public GemmArgs Args;
        public float* A0, A1, B0, B1, C0, C1;
    }

    private static unsafe void Run(Shape s, Operands o)
    {
        if (!s.Serial)
        {
            CpuGemm.Sgemm(s.Args, o.A[0], o.B[0], o.C[0]);
            return;
        }
        // A run of copies per core, as the direct convolution's weight gradient runs them.
        var pair = new SerialPair { Args = s.Args, A0 = o.A[0], A1 = o.A[1], B0 = o.B[0], B1 = o.B[1], C0 = o.C[0], C1 = o.C[1] };
        CpuWorkers.Run(&RunSerial, &pair, 2);
    }

    private static unsafe void RunSerial(void* context, int part)
    {
        var pair = (SerialPair*)context;
        for (int i = 0; i < SerialRun; i++)
        {
            if (part == 0) CpuGemm.SgemmSerial(pair->Args, pair->A0, pair->B0, pair->C0);
            else CpuGemm.SgemmSerial(pair->Args, pair->A1, pair->B1, pair->C1);
        }
    }
}
