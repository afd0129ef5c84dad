namespace GpuGen.Backends.Gpu;

// kernels/losses.cl: the MSE loss and its backward. The other losses have no device kernel yet.
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
        throw NotYet(nameof(BceWithLogitsLoss));

    public void BceWithLogitsLossBackward(long n, DeviceBuffer logits, DeviceBuffer targets, DeviceBuffer dLoss, DeviceBuffer dLogits, float scale) =>
        throw NotYet(nameof(BceWithLogitsLossBackward));

    public void SoftmaxCrossEntropy(int rows, int cols, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, float scale) =>
        throw NotYet(nameof(SoftmaxCrossEntropy));

    public void SoftmaxCrossEntropyBackward(int rows, int cols, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer dLoss, DeviceBuffer dLogits, float scale) =>
        throw NotYet(nameof(SoftmaxCrossEntropyBackward));

    public void GaussianKl(long n, DeviceBuffer mu, DeviceBuffer logvar, DeviceBuffer loss, float scale) =>
        throw NotYet(nameof(GaussianKl));

    public void GaussianKlBackward(long n, DeviceBuffer mu, DeviceBuffer logvar, DeviceBuffer dLoss, DeviceBuffer dMu, DeviceBuffer dLogvar, float scale) =>
        throw NotYet(nameof(GaussianKlBackward));
}
