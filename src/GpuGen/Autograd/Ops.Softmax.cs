using GpuGen.Tensors;

namespace GpuGen.Autograd;

public static partial class Ops
{
    /// <summary>y = softmax over the last axis. Backward: dx += y ⊙ (dy − Σ y⊙dy).</summary>
    public static Tensor Softmax(Tensor x) => SoftmaxLike(x, log: false);

    /// <summary>y = log softmax over the last axis. Backward: dx += dy − softmax(x)·Σ dy.</summary>
    public static Tensor LogSoftmax(Tensor x) => SoftmaxLike(x, log: true);

    private static Tensor SoftmaxLike(Tensor x, bool log)
    {
        int cols = x.Dim(-1), rows = checked((int)(x.Length / cols));
        var y = Tensor.Empty(x.Device, x.Dims);
        var k = K(x);
        k.Softmax(rows, cols, x.Buffer, y.Buffer, log);
        return Record(Recording(x), y, dy =>
            k.SoftmaxBackward(rows, cols, y.Buffer, dy.Buffer, x.EnsureGrad().Buffer, log));
    }
}
