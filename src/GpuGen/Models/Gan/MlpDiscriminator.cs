using GpuGen.Autograd;
using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Gan;

/// <summary>
/// The toy discriminator: x [2] → (Linear LeakyReLU(0.2)) × layers → Linear(hidden, 1), optionally with
/// spectrally normalized weights. It can build its R1 penalty exactly without a double backward: with
/// aₗ = LeakyReLU(Wₗaₗ₋₁ + bₗ) and the 0/1-or-0.2 slopes mₗ of each unit (piecewise constant, so their
/// derivative is zero almost everywhere), ∇ₓD = W₁ᵀ(m₁ ⊙ W₂ᵀ(m₂ ⊙ … w_outᵀ)), an ordinary network of the
/// weights whose backward is the penalty's exact gradient.
/// </summary>
public sealed class MlpDiscriminator : GanDiscriminator
{
    public MlpDiscriminator(Device device, GanConfig config, Initializer init) : base(device)
    {
        Hidden = Enumerable.Range(0, config.HiddenLayers)
            .Select(i => Child($"fc{i}", new Linear(device, i == 0 ? 2 : config.Hidden, config.Hidden, init))).ToArray();
        Out = Child("out", new Linear(device, config.Hidden, 1, init));
        if (config.SpectralNorm)
            Norms = Hidden.Append(Out).Select((l, i) => Child($"sn{i}", new SpectralNorm(device, l.OutFeatures, l.InFeatures, init))).ToArray();
    }

    public IReadOnlyList<Linear> Hidden { get; }

    public Linear Out { get; }

    /// <summary>One per layer, the output layer last; null without spectral normalization.</summary>
    public IReadOnlyList<SpectralNorm>? Norms { get; }

    public override IReadOnlyList<double> Sigmas => Norms?.Select(n => n.Sigma).ToArray() ?? [];

    public override Tensor Forward(Tensor x, Tensor? labels)
    {
        if (labels is not null) throw new ArgumentException("the MLP discriminator is unconditional");
        var weights = Weights(Training);
        var h = x;
        for (int l = 0; l < Hidden.Count; l++) h = Ops.LeakyRelu(Ops.Linear(h, weights[l], Hidden[l].Bias), 0.2f);
        return Ops.Linear(h, weights[^1], Out.Bias);
    }

    public override Tensor? R1Penalty(Tensor real, Tensor? labels, float gamma)
    {
        if (labels is not null) throw new ArgumentException("the MLP discriminator is unconditional");
        int n = real.Dim(0);
        var weights = Weights(update: false);
        // The slopes of every hidden unit at the real points (values only: nothing here is recorded).
        var slopes = new Tensor[Hidden.Count];
        var h = real.Detach();
        for (int l = 0; l < Hidden.Count; l++)
        {
            var pre = Ops.Linear(h, weights[l].Detach(), Hidden[l].Bias!.Detach());
            var values = pre.ToArray();
            for (int i = 0; i < values.Length; i++) values[i] = values[i] > 0 ? 1f : 0.2f;
            slopes[l] = Tensor.FromArray(Device, values, pre.Dims.ToArray());
            h = Ops.LeakyRelu(pre, 0.2f);
        }
        // ∇ₓD, row per example: start from w_out (one row per example), then back through each layer.
        var g = Ops.MatMul(Tensor.Full(Device, [n, 1], 1f), weights[^1]);
        for (int l = Hidden.Count - 1; l >= 0; l--) g = Ops.MatMul(Ops.Mul(g, slopes[l]), weights[l]);
        return Ops.Scale(Ops.Sum(Ops.Square(g)), gamma / (2f * n));
    }

    private Tensor[] Weights(bool update) =>
        Hidden.Append(Out).Select((l, i) => Norms is null ? l.Weight : Norms[i].Apply(l.Weight, update)).ToArray();
}
