namespace GpuGen.Backends;

// Convolutions over NCHW tensors (see Conv2dArgs for the geometry). A transposed convolution has no
// kernels of its own: its forward is Conv2dBackwardData of the convolution it transposes and its
// backward-data is Conv2dForward, so each backend keeps one code path.
public partial interface IKernels
{
    /// <summary>
    /// y[N,Cout,Ho,Wo] = conv(x[N,Cin,H,W], w[Cout,Cin/G,kh,kw]) + bias[Cout] (bias may be null);
    /// with accumulate the result is added to y instead of overwriting it.
    /// </summary>
    void Conv2dForward(in Conv2dArgs args, DeviceBuffer x, DeviceBuffer w, DeviceBuffer? bias, DeviceBuffer y, bool accumulate = false);

    /// <summary>
    /// dx[N,Cin,H,W] += convᵀ(dy[N,Cout,Ho,Wo], w): the gradient of the forward with respect to x;
    /// without accumulate dx is overwritten (not read, so it needs no zero fill).
    /// </summary>
    void Conv2dBackwardData(in Conv2dArgs args, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx, bool accumulate = true);

    /// <summary>dw[Cout,Cin/G,kh,kw] += Σₙ dyₙ ⋆ xₙ; dbias[Cout] += Σ_{n,i,j} dy[n,·,i,j] when dbias is not null.</summary>
    void Conv2dBackwardWeight(in Conv2dArgs args, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, DeviceBuffer? dbias);

    /// <summary>y[n,c,s] += bias[c] for y [batch, channels, spatial] (the bias of a transposed convolution).</summary>
    void ChannelBiasAdd(int batch, int channels, int spatial, DeviceBuffer bias, DeviceBuffer y);

    /// <summary>dbias[c] += Σ_{n,s} dy[n,c,s] for dy [batch, channels, spatial].</summary>
    void ChannelBiasBackward(int batch, int channels, int spatial, DeviceBuffer dy, DeviceBuffer dbias);
}
