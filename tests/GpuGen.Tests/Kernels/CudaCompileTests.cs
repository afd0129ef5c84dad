using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using GpuGen.Backends.Cuda;
using GpuGen.Backends.Gpu;
using GpuGen.Backends.OpenCL;
using GpuGen.Tests.Support;

namespace GpuGen.Tests.Kernels;

/// <summary>
/// Every kernel file compiled by NVRTC with the prelude's CUDA side, for Volta (compute_70), Ampere
/// (compute_80) and Hopper (compute_90), with the options the CUDA backend uses. Needs NVRTC only,
/// no GPU. Any error or warning fails, and the PTX must define every GG_KERNEL of the file.
/// </summary>
public partial class CudaCompileTests
{
    /// <summary>The build options of the CUDA backend (REDUCE_WG, LOSS_WG, GEMM tiling for 1024-thread blocks).</summary>
    private static string BackendOptions => new GpuKernels(new OptionsOnlyDriver()).Options;

    public static IEnumerable<object[]> Cases() =>
        from file in KernelFiles()
        from arch in new[] { 70, 80, 90 }
        select new object[] { file, arch };

    [NvrtcTheory]
    [MemberData(nameof(Cases))]
    public void EveryKernelCompilesWithoutWarnings(string file, int arch)
    {
        // compute_90 with the newest NVRTC present; Debian's 11.8 knows 35 … 90. An NVRTC that does
        // not know the architecture fails the test: that is a missing target, not a pass.
        var nvrtc = Nvrtc.Find()!;
        var known = nvrtc.SupportedArchitectures();
        Assert.True(known.Count == 0 || known.Contains(arch),
            $"{nvrtc.File} (NVRTC {nvrtc.Version}) cannot target compute_{arch}; it knows {string.Join(", ", known)}");
        var compiler = new PtxCompiler(nvrtc, arch, new ProgramCache(Path.Combine(Path.GetTempPath(), "gpugen-tests-ptx-unused")), new ConcurrentDictionary<string, byte[]>());
        var (ptx, log) = nvrtc.Compile(file, KernelSources.Program(file), compiler.Options(BackendOptions));
        Assert.True(log.Length == 0, $"NVRTC warnings for {file} on compute_{arch}:\n{log}");
        string text = Encoding.ASCII.GetString(ptx);
        Assert.Contains($".target sm_{arch}", text);
        foreach (string kernel in KernelNames(file))
            Assert.True(Regex.IsMatch(text, $@"\.entry\s+{kernel}\s*\("), $"the PTX of {file} for compute_{arch} lacks the kernel {kernel}");
    }

    [NvrtcTheory]
    [InlineData(70)]
    [InlineData(80)]
    [InlineData(90)]
    public void FastPathsReachThePtx(int arch)
    {
        var nvrtc = Nvrtc.Find()!;
        var options = new PtxCompiler(nvrtc, arch, null, new ConcurrentDictionary<string, byte[]>()).Options(BackendOptions);
        string reduce = Encoding.ASCII.GetString(nvrtc.Compile("reduce.cl", KernelSources.Program("reduce.cl"), options).Ptx);
        Assert.Contains("shfl.sync.down", reduce); // warp-shuffle group sums
        string gemm = Encoding.ASCII.GetString(nvrtc.Compile("gemm_fast.cl", KernelSources.Program("gemm_fast.cl"), options).Ptx);
        Assert.Matches(@"ld\.global(\.nc)?\.v4\.f32", gemm); // float4 loads from global and shared memory
        Assert.Contains("ld.shared.v4.f32", gemm);
        Assert.DoesNotContain(".local", gemm); // register blocks stay in registers (no spills to local memory)
        if (arch >= 80) Assert.Contains("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32", gemm);
        else Assert.DoesNotContain("mma.sync", gemm);
    }

    [NvrtcTheory]
    [InlineData(80)]
    public void ACompileErrorThrowsWithTheProgramLog(int arch)
    {
        var nvrtc = Nvrtc.Find()!;
        var compiler = new PtxCompiler(nvrtc, arch, null, new ConcurrentDictionary<string, byte[]>());
        string source = KernelSources.Text("prelude.h") + "\n#line 1 \"broken.cl\"\nGG_KERNEL void broken(GG_GLOBAL float* x) { x[0] = undeclared_name; }\n";
        var e = Assert.Throws<CudaException>(() => compiler.Compile("broken.cl", source, ""));
        Assert.Contains("broken.cl", e.Message);
        Assert.Contains("undeclared_name", e.Message);
        Assert.Contains("compute_80", e.Message);
    }

    [NvrtcTheory]
    [InlineData(80)]
    public void PtxComesFromMemoryThenFromDisk(int arch)
    {
        var nvrtc = Nvrtc.Find()!;
        string folder = Path.Combine(Path.GetTempPath(), "gpugen-tests-ptx-" + Guid.NewGuid().ToString("N"));
        try
        {
            var disk = new ProgramCache(folder);
            string source = KernelSources.Text("prelude.h") + $"\nGG_KERNEL void probe(GG_GLOBAL float* x) {{ x[0] = {Environment.TickCount64 % 100000}.0f; }}\n";
            var first = new PtxCompiler(nvrtc, arch, disk, new ConcurrentDictionary<string, byte[]>());
            byte[] compiled = first.Compile("probe", source, "-DX=1");
            byte[] again = first.Compile("probe", source, "-DX=1");
            Assert.Equal((1, 1, 0), (first.Compiles, first.MemoryHits, first.DiskHits));
            Assert.Same(compiled, again);
            var second = new PtxCompiler(nvrtc, arch, disk, new ConcurrentDictionary<string, byte[]>()); // a new process, in effect
            Assert.Equal(compiled, second.Compile("probe", source, "-DX=1"));
            Assert.Equal((0, 1), (second.Compiles, second.DiskHits));
            second.Compile("probe", source, "-DX=2"); // other options: another key
            Assert.Equal(1, second.Compiles);
            var other = new PtxCompiler(nvrtc, 70, disk, new ConcurrentDictionary<string, byte[]>()); // another architecture
            other.Compile("probe", source, "-DX=1");
            Assert.Equal(1, other.Compiles);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [NvrtcTheory]
    [InlineData(0)]
    public void NvrtcReportsItsVersionAndTargets(int unused)
    {
        _ = unused;
        var all = Nvrtc.All();
        Assert.NotEmpty(all);
        foreach (var n in all)
        {
            Assert.True(n.Version.Major >= 11, $"{n.File}: version {n.Version}");
            var archs = n.SupportedArchitectures();
            Assert.Contains(70, archs);
            Assert.Contains(80, archs);
        }
    }

    /// <summary>Every kernels/*.cl file embedded in the library.</summary>
    private static IEnumerable<string> KernelFiles() =>
        typeof(KernelSources).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("GpuGen.Kernels.", StringComparison.Ordinal) && n.EndsWith(".cl", StringComparison.Ordinal))
            .Select(n => n["GpuGen.Kernels.".Length..]).Order();

    private static IEnumerable<string> KernelNames(string file) =>
        KernelPattern().Matches(KernelSources.Text(file)).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"GG_KERNEL\s+(?:GG_BOUNDS\(\w+\)\s+)?void\s+(\w+)\s*\(")]
    private static partial Regex KernelPattern();

    /// <summary>A driver that only reports a CUDA device's block limit, so GpuKernels computes the CUDA build options.</summary>
    private sealed class OptionsOnlyDriver : IGpuDriver
    {
        public int MaxWorkGroupSize => 1024;

        public GpuProgram Compile(string name, string source, string options) => throw new NotSupportedException();

        public Backends.DeviceBuffer Allocate(long length) => throw new NotSupportedException();

        public void Write(Backends.DeviceBuffer dst, long byteOffset, ReadOnlySpan<byte> src) => throw new NotSupportedException();

        public void Read(Backends.DeviceBuffer src, long byteOffset, Span<byte> dst) => throw new NotSupportedException();

        public void Launch(GpuKernel kernel, in LaunchGrid grid, in KernelArgs args) => throw new NotSupportedException();

        public void Synchronize() => throw new NotSupportedException();

        public GpuEvent Record() => throw new NotSupportedException();

        public void Wait(GpuEvent e) => throw new NotSupportedException();

        public bool IsComplete(GpuEvent e) => throw new NotSupportedException();

        public double ElapsedMilliseconds(GpuEvent start, GpuEvent end) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
