using GpuGen.Autograd;
using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>
/// Single-head self-attention over the pixels of a feature map, the AttnBlock of the DDPM UNet
/// (Ho et al. 2020, App. B; Vaswani et al. 2017, eq. 1): h = GroupNorm(x); q, k, v = 1×1 convs of h
/// viewed as [N, C, HW]; A = softmax(qᵀk / √C) over keys; out = x + proj(v·Aᵀ).
/// </summary>
public sealed class SelfAttention2d : Module
{
    public SelfAttention2d(Device device, int channels, int groups, Initializer init) : base(device)
    {
        Channels = channels;
        Norm = Child("norm", new GroupNorm(device, groups, channels));
        Query = Child("q", new Conv2d(device, channels, channels, 1, init));
        Key = Child("k", new Conv2d(device, channels, channels, 1, init));
        Value = Child("v", new Conv2d(device, channels, channels, 1, init));
        Projection = Child("proj", new Conv2d(device, channels, channels, 1, init));
    }

    public int Channels { get; }

    public GroupNorm Norm { get; }

    public Conv2d Query { get; }

    public Conv2d Key { get; }

    public Conv2d Value { get; }

    public Conv2d Projection { get; }

    public Tensor Forward(Tensor x)
    {
        int n = x.Dim(0), c = x.Dim(1), height = x.Dim(2), width = x.Dim(3), hw = height * width;
        var h = Norm.Forward(x);
        var q = Query.Forward(h).Reshape(n, c, hw);
        var k = Key.Forward(h).Reshape(n, c, hw);
        var v = Value.Forward(h).Reshape(n, c, hw);
        var scores = Ops.Scale(Ops.BatchedMatMul(q, k, transA: true), 1f / MathF.Sqrt(c));   // [N, HW_q, HW_k]
        var attention = Ops.Softmax(scores);
        var mixed = Ops.BatchedMatMul(v, attention, transB: true);                            // [N, C, HW_q]
        return Ops.Add(x, Projection.Forward(mixed.Reshape(n, c, height, width)));
    }
}
