using System.Reflection;
using GpuGen.Backends;
using GpuGen.Backends.Cpu;
using GpuGen.Bench.Parity;

namespace GpuGen.Tests.Kernels;

/// <summary>
/// Positive controls for the parity check behind `gpugen check`: a backend that delegates to `cpu` but
/// corrupts one kernel's output must fail exactly that kernel's cases, while the same backend without
/// the corruption passes every case.
/// </summary>
public class ParityCheckTests
{
    [Fact]
    public void CpuAgainstItselfPassesEveryCase()
    {
        using var device = new CpuBackend();
        using var reference = new CpuBackend();
        var results = KernelParity.Run(device, reference, ParityCases.For(device));
        Assert.All(results, r => Assert.True(r.Passed, $"{r.Kernel} [{r.Shape}]: {r.Error} {r.MaxRelDiff}"));
        Assert.Equal(ParityCases.ContractMethods.Count, results.Select(r => r.Kernel.Split(' ')[0]).Distinct().Count());
    }

    /// <summary>
    /// (kernel, index of its output parameter, corruption): one element moved by 10⁻³ of the output's largest
    /// magnitude (five times the loosest tolerance), or one element left unwritten (NaN).
    /// </summary>
    [Theory]
    [InlineData(nameof(IKernels.Gemm), 3, false)]
    [InlineData(nameof(IKernels.Softmax), 3, false)]
    [InlineData(nameof(IKernels.Conv2dBackwardWeight), 3, false)]
    [InlineData(nameof(IKernels.GroupNormForward), 8, true)]
    [InlineData(nameof(IKernels.UniformIntFill), 4, false)]
    public void CorruptedKernelFailsOnlyItsCases(string kernel, int output, bool unwritten)
    {
        using var inner = new CpuBackend();
        using var reference = new CpuBackend();
        using var corrupted = new CorruptedBackend(inner, kernel, output, unwritten);
        var results = KernelParity.Run(corrupted, reference, ParityCases.For(corrupted));
        var mine = results.Where(r => r.Kernel == kernel).ToList();
        Assert.NotEmpty(mine);
        Assert.All(mine, r => Assert.False(r.Passed, $"{r.Kernel} [{r.Shape}] passed despite the corruption"));
        if (unwritten) Assert.All(mine, r => Assert.Contains("NaN", r.Error));
        else Assert.All(mine, r => Assert.True(r.Error is null && r.MaxRelDiff > r.Tolerance, $"{r.Kernel} [{r.Shape}]: {r.Error} {r.MaxRelDiff}"));
        Assert.All(results.Where(r => r.Kernel != kernel), r => Assert.True(r.Passed, $"{r.Kernel} [{r.Shape}]: {r.Error}"));
    }

    /// <summary>The cpu backend with one kernel's output corrupted after every launch.</summary>
    private sealed class CorruptedBackend : IBackend
    {
        private readonly IBackend inner;

        public CorruptedBackend(IBackend inner, string kernel, int output, bool unwritten)
        {
            this.inner = inner;
            var proxy = DispatchProxy.Create<IKernels, CorruptingKernels>();
            ((CorruptingKernels)(object)proxy).Setup(inner, kernel, output, unwritten);
            Kernels = proxy;
        }

        public string Name => "corrupted-cpu";

        public DeviceInfo Info => inner.Info;

        public IKernels Kernels { get; }

        public DeviceBuffer Allocate(long length) => inner.Allocate(length);

        public void Write(DeviceBuffer dst, long dstOffset, ReadOnlySpan<float> src) => inner.Write(dst, dstOffset, src);

        public void Write(DeviceBuffer dst, long dstOffset, ReadOnlySpan<int> src) => inner.Write(dst, dstOffset, src);

        public void Read(DeviceBuffer src, long srcOffset, Span<float> dst) => inner.Read(src, srcOffset, dst);

        public void Read(DeviceBuffer src, long srcOffset, Span<int> dst) => inner.Read(src, srcOffset, dst);

        public void Synchronize() => inner.Synchronize();

        public void Dispose() { } // the inner backend belongs to the test
    }

    /// <summary>Forwards every kernel call; after the chosen kernel, changes the middle element of its output.</summary>
    public class CorruptingKernels : DispatchProxy
    {
        private IBackend backend = null!;
        private string kernel = "";
        private int output;
        private bool unwritten;

        internal void Setup(IBackend inner, string name, int outputIndex, bool leaveUnwritten) =>
            (backend, kernel, output, unwritten) = (inner, name, outputIndex, leaveUnwritten);

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            var result = method!.Invoke(backend.Kernels, args);
            if (method.Name != kernel) return result;
            var buffer = (DeviceBuffer)args![output]!;
            var values = new float[buffer.Length];
            backend.Synchronize();
            bool ints = kernel == nameof(IKernels.UniformIntFill);
            long i = values.Length / 2;
            if (ints)
            {
                var n = new int[buffer.Length];
                backend.Read(buffer, 0, n);
                n[i] += 1;
                backend.Write(buffer, 0, n);
                return result;
            }
            backend.Read(buffer, 0, values);
            values[i] = unwritten ? float.NaN : values[i] + 1e-3f * Math.Max(MaxAbs(values), 1e-3f);
            backend.Write(buffer, 0, values);
            return result;
        }

        private static float MaxAbs(float[] values) => values.Max(Math.Abs);
    }
}
