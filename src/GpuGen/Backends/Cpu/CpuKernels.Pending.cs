namespace GpuGen.Backends.Cpu;

// Placeholder bodies until the managed kernels land; the kernels helper deletes this file.
public sealed unsafe partial class CpuKernels
{
    public void Fill(long n, float value, DeviceBuffer x) => throw new NotImplementedException();
    public void Axpby(long n, float alpha, DeviceBuffer x, float beta, DeviceBuffer y) => throw new NotImplementedException();
    public void Unary(UnaryOp op, long n, DeviceBuffer x, DeviceBuffer y, float param, bool accumulate) => throw new NotImplementedException();
    public void UnaryBackward(UnaryOp op, long n, DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, float param) => throw new NotImplementedException();
    public void Binary(BinaryOp op, int rows, int cols, DeviceBuffer a, DeviceBuffer b, Broadcast broadcast, DeviceBuffer y, bool accumulate) => throw new NotImplementedException();
    public void Copy2d(int rows, int cols, DeviceBuffer src, long srcOffset, int srcStride, DeviceBuffer dst, long dstOffset, int dstStride, bool accumulate) => throw new NotImplementedException();
    public void ReduceSum(int outer, int mid, int inner, DeviceBuffer x, DeviceBuffer y, float alpha, bool accumulate) => throw new NotImplementedException();
    public void Softmax(int rows, int cols, DeviceBuffer x, DeviceBuffer y, bool log) => throw new NotImplementedException();
    public void SoftmaxBackward(int rows, int cols, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, bool log) => throw new NotImplementedException();
    public void MseLoss(long n, DeviceBuffer pred, DeviceBuffer target, DeviceBuffer loss, float scale) => throw new NotImplementedException();
    public void MseLossBackward(long n, DeviceBuffer pred, DeviceBuffer target, DeviceBuffer dLoss, DeviceBuffer dPred, float scale) => throw new NotImplementedException();
    public void BceWithLogitsLoss(long n, DeviceBuffer logits, DeviceBuffer targets, DeviceBuffer loss, float scale) => throw new NotImplementedException();
    public void BceWithLogitsLossBackward(long n, DeviceBuffer logits, DeviceBuffer targets, DeviceBuffer dLoss, DeviceBuffer dLogits, float scale) => throw new NotImplementedException();
    public void SoftmaxCrossEntropy(int rows, int cols, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, float scale) => throw new NotImplementedException();
    public void SoftmaxCrossEntropyBackward(int rows, int cols, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer dLoss, DeviceBuffer dLogits, float scale) => throw new NotImplementedException();
    public void GaussianKl(long n, DeviceBuffer mu, DeviceBuffer logvar, DeviceBuffer loss, float scale) => throw new NotImplementedException();
    public void GaussianKlBackward(long n, DeviceBuffer mu, DeviceBuffer logvar, DeviceBuffer dLoss, DeviceBuffer dMu, DeviceBuffer dLogvar, float scale) => throw new NotImplementedException();
    public void UniformFill(long n, ulong seed, ulong stream, ulong offset, DeviceBuffer x, float lo, float hi) => throw new NotImplementedException();
    public void GaussianFill(long n, ulong seed, ulong stream, ulong offset, DeviceBuffer x, float mean, float std) => throw new NotImplementedException();
    public void UniformIntFill(long n, ulong seed, ulong stream, ulong offset, DeviceBuffer x, int lo, int hi) => throw new NotImplementedException();
    public void AdamStep(long n, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, in AdamArgs args) => throw new NotImplementedException();
    public void EmaUpdate(long n, DeviceBuffer ema, DeviceBuffer param, float decay) => throw new NotImplementedException();
    public void TimestepEmbedding(int batch, int dim, DeviceBuffer t, DeviceBuffer y) => throw new NotImplementedException();
    public void DiffusionQSample(int batch, int perExample, DeviceBuffer x0, DeviceBuffer eps, DeviceBuffer t, DeviceBuffer sqrtAlphaBar, DeviceBuffer sqrtOneMinusAlphaBar, DeviceBuffer xt) => throw new NotImplementedException();
    public void DiffusionStep(long n, DeviceBuffer xt, DeviceBuffer eps, DeviceBuffer? z, DeviceBuffer xPrev, DeviceBuffer? x0, in DiffusionStepArgs args) => throw new NotImplementedException();
}
