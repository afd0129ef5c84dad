using ILGPU;
using ILGPU.Runtime;
using GpuGen.Kernels;

namespace GpuGen.Backends.Ilgpu;

// kernels/LossKernels.cs: MSE, BCE with logits, softmax cross-entropy, Gaussian KL and their backward
// passes. A scalar loss comes from one group; backward kernels read dLoss[0] on the device.
internal sealed partial class IlgpuKernels
{
    private Action<KernelConfig, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>? mse, bce, kl;
    private Action<KernelConfig, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>? mseBackward, bceBackward;
    private Action<KernelConfig, int, int, ArrayView<float>, ArrayView<int>, ArrayView<float>, float>? crossEntropy;
    private Action<KernelConfig, int, int, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, float>? crossEntropyBackward;
    private Action<KernelConfig, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>? klBackward;

    public void MseLoss(long n, DeviceBuffer pred, DeviceBuffer target, DeviceBuffer loss, float scale)
    {
        int count = ScalarLossArgs(n, pred, nameof(pred), target, nameof(target), loss);
        lock (gate)
            Load(ref mse, nameof(LossKernels.Mse),
                static a => a.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(LossKernels.Mse))
                (OneGroup, count, F(pred), F(target), F(loss), scale);
    }

    public void MseLossBackward(long n, DeviceBuffer pred, DeviceBuffer target, DeviceBuffer dLoss, DeviceBuffer dPred, float scale)
    {
        int count = BackwardArgs(n, pred, nameof(pred), target, nameof(target), dLoss, dPred, nameof(dPred));
        if (count == 0) return;
        lock (gate)
            Load(ref mseBackward, nameof(LossKernels.MseBackward),
                static a => a.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(LossKernels.MseBackward))
                (Flat(count), count, F(pred), F(target), F(dLoss), F(dPred), scale);
    }

    public void BceWithLogitsLoss(long n, DeviceBuffer logits, DeviceBuffer targets, DeviceBuffer loss, float scale)
    {
        int count = ScalarLossArgs(n, logits, nameof(logits), targets, nameof(targets), loss);
        lock (gate)
            Load(ref bce, nameof(LossKernels.BceWithLogits),
                static a => a.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(LossKernels.BceWithLogits))
                (OneGroup, count, F(logits), F(targets), F(loss), scale);
    }

    public void BceWithLogitsLossBackward(long n, DeviceBuffer logits, DeviceBuffer targets, DeviceBuffer dLoss, DeviceBuffer dLogits, float scale)
    {
        int count = BackwardArgs(n, logits, nameof(logits), targets, nameof(targets), dLoss, dLogits, nameof(dLogits));
        if (count == 0) return;
        lock (gate)
            Load(ref bceBackward, nameof(LossKernels.BceWithLogitsBackward),
                static a => a.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(LossKernels.BceWithLogitsBackward))
                (Flat(count), count, F(logits), F(targets), F(dLoss), F(dLogits), scale);
    }

    /// <remarks>
    /// Unlike the CPU twin, a device cannot check the labels without a round trip to the host: a label
    /// outside [0, cols) makes the loss NaN (and is never used as an index).
    /// </remarks>
    public void SoftmaxCrossEntropy(int rows, int cols, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, float scale)
    {
        CrossEntropyArgs(rows, cols, logits, labels);
        Need(loss, 1, nameof(loss));
        lock (gate)
            Load(ref crossEntropy, nameof(LossKernels.SoftmaxCrossEntropy),
                static a => a.LoadStreamKernel<int, int, ArrayView<float>, ArrayView<int>, ArrayView<float>, float>(LossKernels.SoftmaxCrossEntropy))
                (OneGroup, rows, cols, F(logits), I(labels), F(loss), scale);
    }

    /// <remarks>A label outside [0, cols) subtracts nothing from its row (see <see cref="SoftmaxCrossEntropy"/>).</remarks>
    public void SoftmaxCrossEntropyBackward(int rows, int cols, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer dLoss, DeviceBuffer dLogits, float scale)
    {
        CrossEntropyArgs(rows, cols, logits, labels);
        Need(dLoss, 1, nameof(dLoss));
        Need(dLogits, (long)rows * cols, nameof(dLogits));
        if (rows == 0) return;
        lock (gate)
            Load(ref crossEntropyBackward, nameof(LossKernels.SoftmaxCrossEntropyBackward),
                static a => a.LoadStreamKernel<int, int, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, float>(LossKernels.SoftmaxCrossEntropyBackward))
                (Rows(rows), rows, cols, F(logits), I(labels), F(dLoss), F(dLogits), scale);
    }

    public void GaussianKl(long n, DeviceBuffer mu, DeviceBuffer logvar, DeviceBuffer loss, float scale)
    {
        int count = ScalarLossArgs(n, mu, nameof(mu), logvar, nameof(logvar), loss);
        lock (gate)
            Load(ref kl, nameof(LossKernels.GaussianKl),
                static a => a.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(LossKernels.GaussianKl))
                (OneGroup, count, F(mu), F(logvar), F(loss), scale);
    }

    public void GaussianKlBackward(long n, DeviceBuffer mu, DeviceBuffer logvar, DeviceBuffer dLoss, DeviceBuffer dMu, DeviceBuffer dLogvar, float scale)
    {
        int count = BackwardArgs(n, mu, nameof(mu), logvar, nameof(logvar), dLoss, dMu, nameof(dMu));
        Need(dLogvar, n, nameof(dLogvar));
        if (count == 0) return;
        lock (gate)
            Load(ref klBackward, nameof(LossKernels.GaussianKlBackward),
                static a => a.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(LossKernels.GaussianKlBackward))
                (Flat(count), count, F(mu), F(logvar), F(dLoss), F(dMu), F(dLogvar), scale);
    }

    private static int ScalarLossArgs(long n, DeviceBuffer p, string pName, DeviceBuffer q, string qName, DeviceBuffer loss)
    {
        int count = Count(n, nameof(n));
        Need(p, n, pName);
        Need(q, n, qName);
        Need(loss, 1, nameof(loss));
        return count;
    }

    private static int BackwardArgs(long n, DeviceBuffer p, string pName, DeviceBuffer q, string qName, DeviceBuffer dLoss, DeviceBuffer d, string dName)
    {
        int count = Count(n, nameof(n));
        Need(p, n, pName);
        Need(q, n, qName);
        Need(dLoss, 1, nameof(dLoss));
        Need(d, n, dName);
        return count;
    }

    private static void CrossEntropyArgs(int rows, int cols, DeviceBuffer logits, DeviceBuffer labels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows, nameof(rows));
        ArgumentOutOfRangeException.ThrowIfLessThan(cols, rows == 0 ? 0 : 1, nameof(cols));
        Need(logits, Count((long)rows * cols, "rows·cols"), nameof(logits));
        Need(labels, rows, nameof(labels));
    }
}
