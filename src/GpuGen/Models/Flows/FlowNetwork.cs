using System.Globalization;
using GpuGen.Autograd;
using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Flows;

/// <summary>
/// The invertible network of a NICE or RealNVP flow on flattened examples [N, D]: coupling layers
/// with alternating masks (each optionally followed by ActNorm) and, for NICE, a final diagonal
/// scaling. Parameters are named "coupling{k}.s.net.0.weight", "actnorm{k}.bias", "scaling.log_scale".
/// With the conv architecture it is one <see cref="MultiScaleFlow"/> ("multiscale.…") on the images.
/// </summary>
public sealed class FlowNetwork : Module
{
    private readonly List<IFlowLayer> layers = [];

    public FlowNetwork(Device device, FlowConfig config, Initializer init) : base(device)
    {
        config.Validate();
        Config = config;
        if (config.Arch == FlowConfig.Conv)
        {
            layers.Add(Child("multiscale", new MultiScaleFlow(device, config.Channels, config.Height, config.Width, config.Scales,
                config.Hidden, config.Blocks, config.ActNorm, init)));
            return;
        }
        for (int k = 0; k < config.Layers; k++)
        {
            var mask = CouplingMasks.Make(config.Mask, k, config.Channels, config.Height, config.Width);
            string name = string.Create(CultureInfo.InvariantCulture, $"coupling{k}");
            layers.Add(config.Kind == FlowConfig.Nice
                ? Child(name, new AdditiveCouplingLayer(device, mask, config.Hidden, config.HiddenLayers, init))
                : Child(name, new AffineCouplingLayer(device, mask, config.Hidden, config.HiddenLayers, init)));
            if (config.ActNorm)
                layers.Add(Child(string.Create(CultureInfo.InvariantCulture, $"actnorm{k}"), new DiagonalScaling(device, config.Dim, bias: true, dataInit: true)));
        }
        if (config.Kind == FlowConfig.Nice)
            layers.Add(Child("scaling", new DiagonalScaling(device, config.Dim, bias: false, dataInit: false)));
    }

    public FlowConfig Config { get; }

    public IReadOnlyList<IFlowLayer> Layers => layers;

    /// <summary>Turns off ActNorm's data-dependent initialization (for a model whose weights were loaded).</summary>
    public void MarkInitialized()
    {
        foreach (var layer in layers)
            if (layer is DiagonalScaling d) d.DataInit = false;
            else if (layer is MultiScaleFlow m) m.MarkInitialized();
    }

    /// <summary>z = f(x) for x [N, D] and log|det ∂f/∂x| per example [N].</summary>
    public (Tensor Z, Tensor LogDet) Forward(Tensor x)
    {
        Tensor? perExample = null, shared = null;
        foreach (var layer in layers)
        {
            (x, var ld) = layer.Forward(x);
            if (ld.Length == 1) shared = shared is null ? ld : Ops.Add(shared, ld);
            else perExample = perExample is null ? ld : Ops.Add(perExample, ld);
        }
        perExample ??= Tensor.Zeros(x.Device, x.Dim(0));
        return (x, shared is null ? perExample : Ops.Add(perExample, shared));
    }

    /// <summary>x = f⁻¹(z).</summary>
    public Tensor Inverse(Tensor z)
    {
        for (int i = layers.Count - 1; i >= 0; i--) z = layers[i].Inverse(z);
        return z;
    }
}
