using GpuGen.Backends;
using GpuGen.Backends.Cpu;

namespace GpuGen.Tensors;

/// <summary>
/// A compute device as the engine sees it: a backend (memory, copies, kernels) plus a buffer pool.
/// Tensors are made on a device and stay there; host copies happen only at explicit calls.
/// </summary>
public sealed class Device : IDisposable
{
    /// <summary>Opens a device by name (cpu, ilgpu-cpu, cuda:N, opencl:N); an unknown or unavailable one is an error naming it and the choices.</summary>
    public static Device Open(string spec) => new(DeviceRegistry.OpenBackend(spec));

    public Device(IBackend backend)
    {
        Backend = backend;
        Pool = new BufferPool(backend);
    }

    /// <summary>The managed CPU accelerator.</summary>
    public static Device Cpu() => new(new CpuBackend());

    public IBackend Backend { get; }

    public IKernels Kernels => Backend.Kernels;

    public BufferPool Pool { get; }

    public string Name => Backend.Name;

    public void Synchronize() => Backend.Synchronize();

    /// <summary>Opens a step: intermediates made until it is disposed return to the pool then.</summary>
    public StepScope Step(bool recordGradients = true) => new(this, recordGradients);

    /// <summary>A step that records no gradients (sampling, evaluation), like torch.no_grad().</summary>
    public StepScope NoGrad() => new(this, recordGradients: false);

    public override string ToString() => $"{Backend.Name} ({Backend.Info.Name})";

    public void Dispose()
    {
        Pool.Dispose();
        Backend.Dispose();
    }
}
