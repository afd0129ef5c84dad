using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>
/// A bag of named parameters and child modules, like torch.nn.Module. Parameters are long-lived
/// tensors (made outside any step scope) that require grad; their names are dotted paths
/// ("net.0.weight") and are what checkpoints store. Buffers are long-lived state that is saved but not
/// trained (BatchNorm's running statistics), like torch's register_buffer.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, Tensor Tensor)> parameters = new();
    private readonly List<(string Name, Tensor Tensor)> buffers = new();
    private readonly List<(string Name, Module Module)> children = new();

    protected Module(Device device) => Device = device;

    public Device Device { get; }

    /// <summary>Every parameter, depth first, in registration order.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Tensor);

    public IEnumerable<(string Name, Tensor Tensor)> NamedParameters(string prefix = "")
    {
        foreach (var (name, tensor) in parameters) yield return (prefix + name, tensor);
        foreach (var (name, child) in children)
            foreach (var p in child.NamedParameters(prefix + name + "."))
                yield return p;
    }

    /// <summary>Every buffer (non-trainable saved state), depth first, in registration order.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedBuffers(string prefix = "")
    {
        foreach (var (name, tensor) in buffers) yield return (prefix + name, tensor);
        foreach (var (name, child) in children)
            foreach (var b in child.NamedBuffers(prefix + name + "."))
                yield return b;
    }

    /// <summary>Training mode (the default) or evaluation mode; BatchNorm and Dropout behave differently.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Sets training mode on this module and all its children (torch's train()).</summary>
    public Module Train(bool on = true)
    {
        Training = on;
        foreach (var (_, child) in children) child.Train(on);
        return this;
    }

    /// <summary>Evaluation mode on this module and all its children (torch's eval()).</summary>
    public Module Eval() => Train(false);

    public long ParameterCount() => Parameters().Sum(p => p.Length);

    /// <summary>Registers a parameter: it requires grad and gets a zeroed gradient now, outside any step.</summary>
    protected Tensor Parameter(string name, Tensor tensor)
    {
        if (tensor.Scope is not null) throw new InvalidOperationException($"parameter '{name}' was made inside a step scope; make modules outside steps");
        tensor.Name = name;
        tensor.RequiresGrad = true;
        tensor.EnsureGrad();
        parameters.Add((name, tensor));
        return tensor;
    }

    /// <summary>Registers a buffer: long-lived state that checkpoints keep but optimizers do not touch.</summary>
    protected Tensor Buffer(string name, Tensor tensor)
    {
        if (tensor.Scope is not null) throw new InvalidOperationException($"buffer '{name}' was made inside a step scope; make modules outside steps");
        tensor.Name = name;
        buffers.Add((name, tensor));
        return tensor;
    }

    protected T Child<T>(string name, T module) where T : Module
    {
        children.Add((name, module));
        return module;
    }

    public virtual void Dispose()
    {
        foreach (var (_, t) in parameters) t.Dispose();
        foreach (var (_, t) in buffers) t.Dispose();
        foreach (var (_, c) in children) c.Dispose();
        GC.SuppressFinalize(this);
    }
}
