using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>
/// A bag of named parameters and child modules, like torch.nn.Module. Parameters are long-lived
/// tensors (made outside any step scope) that require grad; their names are dotted paths
/// ("net.0.weight") and are what checkpoints store.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, Tensor Tensor)> parameters = new();
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

    protected T Child<T>(string name, T module) where T : Module
    {
        children.Add((name, module));
        return module;
    }

    public virtual void Dispose()
    {
        foreach (var (_, t) in parameters) t.Dispose();
        foreach (var (_, c) in children) c.Dispose();
        GC.SuppressFinalize(this);
    }
}
