namespace GpuGen.Backends.Gpu;

// kernels/losses.cl: MSE, BCE with logits, softmax cross-entropy, Gaussian KL and their backward
// passes. A scalar loss comes from one work-group; backward kernels read dLoss[0] on the device.
internal sealed partial class GpuKernels
{
    private const string Losses = "losses.cl";

    public void MseLoss(long n, DeviceBuffer pred, DeviceBuffer target, DeviceBuffer loss, float scale)
    {
        int count = Count(n, nameof(n));
        Need(pred, n, nameof(pred));
        Need(target, n, nameof(target));
        Need(loss, 1, nameof(loss));
        var a = new KernelArgs();
        a.Int(count);
        a.Buffer(pred);
        a.Buffer(target);
        a.Buffer(loss);
        a.Float(scale);
        Launch(Losses, "mse_loss", LaunchGrid.Groups(1, group), a);
    }

    public void MseLossBackward(long n, DeviceBuffer pred, DeviceBuffer target, DeviceBuffer dLoss, DeviceBuffer dPred, float scale)
    {
        int count = Count(n, nameof(n));
        Need(pred, n, nameof(pred));
        Need(target, n, nameof(target));
        Need(dLoss, 1, nameof(dLoss));
        Need(dPred, n, nameof(dPred));
        if (count == 0) return;
        var a = new KernelArgs();
        a.Int(count);
        a.Buffer(pred);
        a.Buffer(target);
        a.Buffer(dLoss);
        a.Buffer(dPred);
        a.Float(scale);
        Launch(Losses, "mse_loss_backward", LaunchGrid.Linear(count, flat), a);
    }

    public void BceWithLogitsLoss(long n, DeviceBuffer logits, DeviceBuffer targets, DeviceBuffer loss, float scale) =>
        ScalarLoss("bce_with_logits_loss", n, logits, nameof(logits), targets, nameof(targets), loss, scale);

    public void BceWithLogitsLossBackward(long n, DeviceBuffer logits, DeviceBuffer targets, DeviceBuffer dLoss, DeviceBuffer dLogits, float scale)
    {
        int count = Count(n, nameof(n));
        Need(logits, n, nameof(logits));
        Need(targets, n, nameof(targets));
        Need(dLoss, 1, nameof(dLoss));
        Need(dLogits, n, nameof(dLogits));
        if (count == 0) return;
        var a = new KernelArgs();
        a.Int(count);
        a.Buffer(logits);
        a.Buffer(targets);
        a.Buffer(dLoss);
        a.Buffer(dLogits);
        a.Float(scale);
        Launch(Losses, "bce_with_logits_loss_backward", LaunchGrid.Linear(count, flat), a);
    }

    /// <remarks>
    /// Unlike the CPU twin, a device cannot check the labels without a round trip to the host: a
    /// label outside [0, cols) makes the loss NaN (and is never used as an index).
    /// </remarks>
    public void SoftmaxCrossEntropy(int rows, int cols, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, float scale)
    {
        CrossEntropyArgs(rows, cols, logits, labels);
        Need(loss, 1, nameof(loss));
        var a = new KernelArgs();
        a.Int(rows);
        a.Int(cols);
        a.Buffer(logits);
        a.Buffer(labels);
        a.Buffer(loss);
        a.Float(scale);
        Launch(Losses, "softmax_cross_entropy", LaunchGrid.Groups(1, group), a);
    }

    /// <remarks>A label outside [0, cols) subtracts nothing from its row (see <see cref="SoftmaxCrossEntropy"/>).</remarks>
    public void SoftmaxCrossEntropyBackward(int rows, int cols, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer dLoss, DeviceBuffer dLogits, float scale)
    {
        CrossEntropyArgs(rows, cols, logits, labels);
        Need(dLoss, 1, nameof(dLoss));
        Need(dLogits, (long)rows * cols, nameof(dLogits));
        if (rows == 0) return;
        var a = new KernelArgs();
        a.Int(cols);
        a.Buffer(logits);
        a.Buffer(labels);
        a.Buffer(dLoss);
        a.Buffer(dLogits);
        a.Float(scale);
        Launch(Losses, "softmax_cross_entropy_backward", LaunchGrid.Groups(rows, group), a);
    }

    public void GaussianKl(long n, DeviceBuffer mu, DeviceBuffer logvar, DeviceBuffer loss, float scale) =>
        ScalarLoss("gaussian_kl", n, mu, nameof(mu), logvar, nameof(logvar), loss, scale);

    public void GaussianKlBackward(long n, DeviceBuffer mu, DeviceBuffer logvar, DeviceBuffer dLoss, DeviceBuffer dMu, DeviceBuffer dLogvar, float scale)
    {
        int count = Count(n, nameof(n));
        Need(mu, n, nameof(mu));
        Need(logvar, n, nameof(logvar));
        Need(dLoss, 1, nameof(dLoss));
        Need(dMu, n, nameof(dMu));
        Need(dLogvar, n, nameof(dLogvar));
        if (count == 0) return;
        var a = new KernelArgs();
        a.Int(count);
        a.Buffer(mu);
        a.Buffer(logvar);
        a.Buffer(dLoss);
        a.Buffer(dMu);
        a.Buffer(dLogvar);
        a.Float(scale);
        Launch(Losses, "gaussian_kl_backward", LaunchGrid.Linear(count, flat), a);
    }

    /// <summary>loss[0] = scale·Σ term(p, q) by one work-group (kernels of the shape of mse_loss).</summary>
    private void ScalarLoss(string kernel, long n, DeviceBuffer p, string pName, DeviceBuffer q, string qName, DeviceBuffer loss, float scale)
    {
        int count = Count(n, nameof(n));
        Need(p, n, pName);
        Need(q, n, qName);
        Need(loss, 1, nameof(loss));
        var a = new KernelArgs();
        a.Int(count);
        a.Buffer(p);
        a.Buffer(q);
        a.Buffer(loss);
        a.Float(scale);
        Launch(Losses, kernel, LaunchGrid.Groups(1, group), a);
    }

    private static void CrossEntropyArgs(int rows, int cols, DeviceBuffer logits, DeviceBuffer labels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows, nameof(rows));
        ArgumentOutOfRangeException.ThrowIfLessThan(cols, rows == 0 ? 0 : 1, nameof(cols));
        Need(logits, Count((long)rows * cols, "rows·cols"), nameof(logits));
        Need(labels, rows, nameof(labels));
    }
}
