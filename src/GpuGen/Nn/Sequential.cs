using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>Layers applied in order; children are named "0", "1", … as in PyTorch.</summary>
public sealed class Sequential : Module, ILayer
{
    private readonly List<ILayer> layers = new();

    public Sequential(Device device, params ILayer[] layers) : base(device)
    {
        foreach (var layer in layers) Add(layer);
    }

    public IReadOnlyList<ILayer> Layers => layers;

    public Sequential Add(ILayer layer)
    {
        if (layer is Module m) Child(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), m);
        layers.Add(layer);
        return this;
    }

    public Tensor Forward(Tensor x)
    {
        foreach (var layer in layers) x = layer.Forward(x);
        return x;
    }
}
