using GpuGen.Tensors;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// Classifier-free guidance for a batch (Ho &amp; Salimans 2022): per-example class labels and the
/// scale w in o = o_u + w·(o_c − o_u). w = 0 is the unconditional model (one pass, "no label"),
/// w = 1 the conditional one (one pass), anything else takes both passes and one fused step.
/// Holds two long-lived label tensors on the device; dispose it after sampling.
/// </summary>
public sealed class ClassGuidance : IDisposable
{
    public ClassGuidance(Device device, IConditionalEpsModel model, ReadOnlySpan<int> labels, float scale)
    {
        if (model.Classes < 1) throw new ArgumentException("classifier-free guidance needs a class-conditional model");
        if (!float.IsFinite(scale)) throw new ArgumentOutOfRangeException(nameof(scale), $"guidance scale must be finite, got {scale}");
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] < 0 || labels[i] > model.Classes)
                throw new ArgumentOutOfRangeException(nameof(labels), $"label {labels[i]} of sample {i} is outside 0 … {model.Classes - 1} (or {model.Classes} for none)");
        if (StepScope.Current is not null) throw new InvalidOperationException("create the guidance outside a step scope: its labels are long-lived");
        Model = model;
        Scale = scale;
        Labels = Tensor.FromInts(device, labels, labels.Length);
        var none = new int[labels.Length];
        Array.Fill(none, model.Classes);
        NoLabels = Tensor.FromInts(device, none, none.Length);
    }

    public IConditionalEpsModel Model { get; }

    public float Scale { get; }

    public Tensor Labels { get; }

    public Tensor NoLabels { get; }

    public void Dispose()
    {
        Labels.Dispose();
        NoLabels.Dispose();
    }
}
