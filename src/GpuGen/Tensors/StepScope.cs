using GpuGen.Autograd;

namespace GpuGen.Tensors;

/// <summary>
/// The lifetime of one step (a training step, a sampling step): every tensor made while the scope
/// is current is an intermediate and goes back to the device pool when the scope is disposed, and
/// ops record their backward on the scope's tape when <see cref="RecordsGradients"/> is on.
/// Parameters and other long-lived tensors are made outside any scope, or kept with
/// <see cref="Tensor.Detach"/>-free <see cref="Keep"/>. Scopes nest; the innermost is current.
/// </summary>
public sealed class StepScope : IDisposable
{
    [ThreadStatic] private static StepScope? current;

    private readonly List<Tensor> owned = new();
    private readonly StepScope? parent;
    private bool disposed;

    internal StepScope(Device device, bool recordGradients)
    {
        Device = device;
        RecordsGradients = recordGradients;
        Tape = new Tape();
        parent = current;
        current = this;
    }

    /// <summary>The scope of this thread that new tensors join, or null outside any scope.</summary>
    public static StepScope? Current => current;

    public Device Device { get; }

    /// <summary>When false (sampling, evaluation) ops record nothing, like torch.no_grad().</summary>
    public bool RecordsGradients { get; }

    public Tape Tape { get; }

    /// <summary>Number of intermediates this scope will release.</summary>
    public int Count => owned.Count;

    internal void Adopt(Tensor tensor) => owned.Add(tensor);

    /// <summary>Takes a tensor out of the scope so it outlives the step; the caller disposes it.</summary>
    public Tensor Keep(Tensor tensor)
    {
        if (owned.Remove(tensor)) tensor.Scope = null;
        return tensor;
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        if (!ReferenceEquals(current, this))
            throw new InvalidOperationException("step scopes must be disposed innermost first");
        current = parent;
        Tape.Clear();
        foreach (var t in owned) t.Release();
        owned.Clear();
    }
}
