using ILGPU;

namespace GpuGen.Kernels;

/// <summary>
/// Loss kernels: a scalar into loss[0] from one group (Kahan per thread, pairwise across the group), and
/// element-wise backward passes that read the upstream gradient dLoss[0] on the device, so no host round
/// trip is needed.
/// </summary>
public static class LossKernels
{
    /// <summary>loss[0] = scale·Σ (pred − target)²; one group.</summary>
    public static void Mse(int n, ArrayView<float> pred, ArrayView<float> target, ArrayView<float> loss, float scale)
    {
        var part = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        var k = new Kahan();
        for (int i = Group.IdxX; i < n; i += Group.DimX)
        {
            float d = pred[i] - target[i];
            k.Add(d * d);
        }
        float s = DeviceMath.GroupSum(part, k.Sum);
        if (Group.IdxX == 0) loss[0] = scale * s;
    }

    /// <summary>dPred += 2·scale·dLoss[0]·(pred − target).</summary>
    public static void MseBackward(int n, ArrayView<float> pred, ArrayView<float> target, ArrayView<float> dLoss, ArrayView<float> dPred, float scale)
    {
        float c = 2f * scale * dLoss[0];
        for (int i = DeviceMath.Start; i < n; i += DeviceMath.Stride) dPred[i] = MathF.FusedMultiplyAdd(c, pred[i] - target[i], dPred[i]);
    }

    /// <summary>
    /// max(x, 0) − x·z + ln(1 + e^{−|x|}): binary cross-entropy of logit x against target z, stable for any
    /// x (log1p keeps e^{−|x|} below float epsilon).
    /// </summary>
    public static float BceTerm(float x, float z) => MathF.Max(x, 0f) - x * z + DeviceMath.Log1p(MathF.Exp(-MathF.Abs(x)));

    /// <summary>loss[0] = scale·Σ bce(logits, targets); one group.</summary>
    public static void BceWithLogits(int n, ArrayView<float> logits, ArrayView<float> targets, ArrayView<float> loss, float scale)
    {
        var part = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        var k = new Kahan();
        for (int i = Group.IdxX; i < n; i += Group.DimX) k.Add(BceTerm(logits[i], targets[i]));
        float s = DeviceMath.GroupSum(part, k.Sum);
        if (Group.IdxX == 0) loss[0] = scale * s;
    }

    /// <summary>dLogits += scale·dLoss[0]·(σ(x) − z).</summary>
    public static void BceWithLogitsBackward(int n, ArrayView<float> logits, ArrayView<float> targets, ArrayView<float> dLoss,
        ArrayView<float> dLogits, float scale)
    {
        float c = scale * dLoss[0];
        for (int i = DeviceMath.Start; i < n; i += DeviceMath.Stride)
            dLogits[i] = MathF.FusedMultiplyAdd(c, DeviceMath.Sigmoid(logits[i]) - targets[i], dLogits[i]);
    }

    /// <summary>
    /// loss[0] = scale·Σ_r [m + ln Σⱼ e^{xⱼ−m} − x_label], m the row max (log-sum-exp, stable); one group,
    /// each thread taking whole rows. A label outside [0, cols) makes the loss NaN (a device cannot throw).
    /// </summary>
    public static void SoftmaxCrossEntropy(int rows, int cols, ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> loss, float scale)
    {
        var part = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        var sum = new Kahan();
        for (int r = Group.IdxX; r < rows; r += Group.DimX)
        {
            long b = (long)r * cols;
            float m = logits[b];
            for (int j = 1; j < cols; j++) m = MathF.Max(m, logits[b + j]);
            var e = new Kahan();
            for (int j = 0; j < cols; j++) e.Add(MathF.Exp(logits[b + j] - m));
            int label = labels[r];
            float picked = (uint)label < (uint)cols ? logits[b + label] : DeviceMath.NaN;
            sum.Add((m - picked) + MathF.Log(e.Sum));
        }
        float s = DeviceMath.GroupSum(part, sum.Sum);
        if (Group.IdxX == 0) loss[0] = scale * s;
    }

    /// <summary>dLogits[r] += scale·dLoss[0]·(softmax(x[r]) − onehot(label_r)); one group per row.</summary>
    public static void SoftmaxCrossEntropyBackward(int rows, int cols, ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> dLoss,
        ArrayView<float> dLogits, float scale)
    {
        var part = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        int lid = Group.IdxX;
        float c = scale * dLoss[0];
        for (int r = Grid.IdxX; r < rows; r += Grid.DimX)
        {
            long b = (long)r * cols;
            float m = DeviceMath.NegativeInfinity;
            for (int j = lid; j < cols; j += Group.DimX) m = MathF.Max(m, logits[b + j]);
            m = DeviceMath.GroupMax(part, m);
            var e = new Kahan();
            for (int j = lid; j < cols; j += Group.DimX) e.Add(MathF.Exp(logits[b + j] - m));
            float k = c / DeviceMath.GroupSum(part, e.Sum);
            int label = labels[r];
            for (int j = lid; j < cols; j += Group.DimX)
                dLogits[b + j] = MathF.FusedMultiplyAdd(k, MathF.Exp(logits[b + j] - m), dLogits[b + j]) - (j == label ? c : 0f);
        }
    }

    /// <summary>−½(1 + lv − μ² − e^lv) (Kingma &amp; Welling 2014, App. B).</summary>
    public static float KlTerm(float mu, float lv) => -0.5f * (1f + lv - mu * mu - MathF.Exp(lv));

    /// <summary>loss[0] = scale·Σ KL(N(μ, e^lv) ‖ N(0, 1)); one group.</summary>
    public static void GaussianKl(int n, ArrayView<float> mu, ArrayView<float> logvar, ArrayView<float> loss, float scale)
    {
        var part = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        var k = new Kahan();
        for (int i = Group.IdxX; i < n; i += Group.DimX) k.Add(KlTerm(mu[i], logvar[i]));
        float s = DeviceMath.GroupSum(part, k.Sum);
        if (Group.IdxX == 0) loss[0] = scale * s;
    }

    /// <summary>dMu += scale·dLoss[0]·μ, dLogvar += scale·dLoss[0]·½(e^lv − 1).</summary>
    public static void GaussianKlBackward(int n, ArrayView<float> mu, ArrayView<float> logvar, ArrayView<float> dLoss,
        ArrayView<float> dMu, ArrayView<float> dLogvar, float scale)
    {
        float c = scale * dLoss[0];
        for (int i = DeviceMath.Start; i < n; i += DeviceMath.Stride)
        {
            dMu[i] = MathF.FusedMultiplyAdd(c, mu[i], dMu[i]);
            dLogvar[i] = MathF.FusedMultiplyAdd(c, 0.5f * (MathF.Exp(logvar[i]) - 1f), dLogvar[i]);
        }
    }
}
