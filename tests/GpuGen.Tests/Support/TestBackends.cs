using System.Collections.Concurrent;
using GpuGen.Backends;
using GpuGen.Backends.Cpu;
using GpuGen.Tensors;

namespace GpuGen.Tests.Support;

/// <summary>
/// The backends kernel tests run on, by name ("cpu", "ilgpu-cpu", "cuda:0", "opencl:0"), each opened
/// once and shared by all tests (a device's kernels are then compiled once per run). "cpu" and
/// "ilgpu-cpu" exist everywhere; a CUDA or OpenCL row on a machine without one is reported skipped
/// with the reason <see cref="DeviceRegistry.Absence"/> gives.
/// </summary>
public static class TestBackends
{
    private static readonly ConcurrentDictionary<string, Lazy<IBackend>> Open = new();

    /// <summary>Every device a kernel or gradient test has a row for.</summary>
    public static IReadOnlyList<string> All { get; } = ["cpu", "ilgpu-cpu", "cuda:0", "opencl:0"];

    /// <summary>The devices every machine has: the rows that always run.</summary>
    public static IReadOnlyList<string> Always { get; } = ["cpu", "ilgpu-cpu"];

    /// <summary>Why there is no <paramref name="name"/> device here (a skip reason), or null when there is one.</summary>
    public static string? Absence(string name) => DeviceRegistry.Absence(name);

    /// <summary>Whether <paramref name="name"/> names a device this machine has.</summary>
    public static bool IsPresent(string name) => Absence(name) is null;

    /// <summary>
    /// A device for a model test: a fresh CPU device for "cpu"; otherwise a device over the shared backend
    /// (its own pool; disposing it leaves the backend open). One ILGPU CPU accelerator serves every test: each
    /// one runs its groups on OS threads, and several at once on two cores slow each other down tenfold.
    /// </summary>
    public static Device OpenDevice(string name) => name == "cpu" ? Device.Cpu() : new Device(new Shared(Get(name)));

    /// <summary>The shared backend named <paramref name="name"/> (never disposed by a test).</summary>
    public static IBackend Get(string name) => Open.GetOrAdd(name, n => new Lazy<IBackend>(() =>
        n == "cpu" ? new CpuBackend() : DeviceRegistry.OpenBackend(n))).Value;

    /// <summary>A backend that leaves the shared one open when the device over it is disposed.</summary>
    private sealed class Shared(IBackend inner) : IBackend
    {
        public string Name => inner.Name;

        public DeviceInfo Info => inner.Info;

        public IKernels Kernels => inner.Kernels;

        public DeviceBuffer Allocate(long length) => inner.Allocate(length);

        public void Write(DeviceBuffer dst, long dstOffset, ReadOnlySpan<float> src) => inner.Write(dst, dstOffset, src);

        public void Write(DeviceBuffer dst, long dstOffset, ReadOnlySpan<int> src) => inner.Write(dst, dstOffset, src);

        public void Read(DeviceBuffer src, long srcOffset, Span<float> dst) => inner.Read(src, srcOffset, dst);

        public void Read(DeviceBuffer src, long srcOffset, Span<int> dst) => inner.Read(src, srcOffset, dst);

        public void Synchronize() => inner.Synchronize();

        public void Dispose()
        {
        }
    }
}
