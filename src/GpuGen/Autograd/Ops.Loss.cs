using GpuGen.Tensors;

namespace GpuGen.Autograd;

public static partial class Ops
{
    /// <summary>L = mean (pred − target)² over all elements. Backward: dpred += 2(pred − target)/n·dL.</summary>
    public static Tensor MseLoss(Tensor pred, Tensor target)
    {
        SameShape(pred, target, "MseLoss");
        float scale = 1f / pred.Length;
        var loss = Tensor.Empty(pred.Device, [1]);
        var k = K(pred);
        k.MseLoss(pred.Length, pred.Buffer, target.Buffer, loss.Buffer, scale);
        return Record(Recording(pred), loss, dL =>
            k.MseLossBackward(pred.Length, pred.Buffer, target.Buffer, dL.Buffer, pred.EnsureGrad().Buffer, scale));
    }

    /// <summary>
    /// Binary cross-entropy on logits, L = scale·Σ ℓ(x, z); scale defaults to 1/n (the mean). Pass
    /// 1/batch for a per-example sum, as VAEs do. Backward: dx += scale·(σ(x) − z)·dL.
    /// </summary>
    public static Tensor BceWithLogits(Tensor logits, Tensor targets, float? scale = null)
    {
        SameShape(logits, targets, "BceWithLogits");
        float s = scale ?? 1f / logits.Length;
        var loss = Tensor.Empty(logits.Device, [1]);
        var k = K(logits);
        k.BceWithLogitsLoss(logits.Length, logits.Buffer, targets.Buffer, loss.Buffer, s);
        return Record(Recording(logits), loss, dL =>
            k.BceWithLogitsLossBackward(logits.Length, logits.Buffer, targets.Buffer, dL.Buffer, logits.EnsureGrad().Buffer, s));
    }

    /// <summary>
    /// Softmax cross-entropy of logits [N, C] against int labels [N], averaged over N.
    /// Backward: dlogits += (softmax − onehot)/N·dL.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels)
    {
        labels.RequireType(DType.Int32);
        int cols = logits.Dim(-1), rows = checked((int)(logits.Length / cols));
        if (labels.Length != rows) throw ShapeError("CrossEntropy", $"{labels.Describe()} must hold one label for each of the {rows} rows of {logits.Describe()}");
        float scale = 1f / rows;
        var loss = Tensor.Empty(logits.Device, [1]);
        var k = K(logits);
        k.SoftmaxCrossEntropy(rows, cols, logits.Buffer, labels.Buffer, loss.Buffer, scale);
        return Record(Recording(logits), loss, dL =>
            k.SoftmaxCrossEntropyBackward(rows, cols, logits.Buffer, labels.Buffer, dL.Buffer, logits.EnsureGrad().Buffer, scale));
    }

    /// <summary>
    /// KL(N(μ, e^logvar) ‖ N(0, I)) = scale·Σ −½(1 + logvar − μ² − e^logvar); scale defaults to 1/N
    /// for N = the leading dimension (the per-example KL of a VAE, averaged).
    /// </summary>
    public static Tensor GaussianKl(Tensor mu, Tensor logvar, float? scale = null)
    {
        SameShape(mu, logvar, "GaussianKl");
        float s = scale ?? 1f / mu.Dim(0);
        var loss = Tensor.Empty(mu.Device, [1]);
        var k = K(mu);
        k.GaussianKl(mu.Length, mu.Buffer, logvar.Buffer, loss.Buffer, s);
        return Record(Recording(mu, logvar), loss, dL =>
        {
            // The kernel writes both gradients; a side that needs none gets a scratch buffer.
            using var scratch = mu.RequiresGrad && logvar.RequiresGrad ? null : Tensor.Empty(mu.Device, mu.Dims);
            var dMu = mu.RequiresGrad ? mu.EnsureGrad() : scratch!;
            var dLogvar = logvar.RequiresGrad ? logvar.EnsureGrad() : scratch!;
            k.GaussianKlBackward(mu.Length, mu.Buffer, logvar.Buffer, dL.Buffer, dMu.Buffer, dLogvar.Buffer, s);
        });
    }
}
