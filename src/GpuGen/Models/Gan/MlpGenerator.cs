using GpuGen.Autograd;
using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Gan;

/// <summary>The toy generator: z [latent] → (Linear ReLU) × layers → Linear(hidden, 2).</summary>
public sealed class MlpGenerator : GanGenerator
{
    public MlpGenerator(Device device, GanConfig config, Initializer init) : base(device)
    {
        Hidden = Enumerable.Range(0, config.HiddenLayers)
            .Select(i => Child($"fc{i}", new Linear(device, i == 0 ? config.Latent : config.Hidden, config.Hidden, init))).ToArray();
        Out = Child("out", new Linear(device, config.Hidden, 2, init));
    }

    public IReadOnlyList<Linear> Hidden { get; }

    public Linear Out { get; }

    public override Tensor Forward(Tensor z, Tensor? labels)
    {
        if (labels is not null) throw new ArgumentException("the MLP generator is unconditional");
        var h = z;
        foreach (var layer in Hidden) h = Ops.Relu(layer.Forward(h));
        return Out.Forward(h);
    }
}
