using GpuGen.Autograd;
using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>
/// torch.nn.BatchNorm2d(channels, eps, momentum): per-channel normalization of x [N,C,H,W] with batch
/// statistics in training mode and the running statistics in evaluation mode (<see cref="Module.Eval"/>).
/// The running mean (init 0) and variance (init 1) are buffers, saved in checkpoints as
/// "running_mean" / "running_var" like PyTorch's state_dict.
/// </summary>
public sealed class BatchNorm2d : Module, ILayer
{
    public BatchNorm2d(Device device, int channels, float eps = 1e-5f, float momentum = 0.1f, bool affine = true) : base(device)
    {
        if (channels <= 0) throw new ArgumentException($"BatchNorm2d: channels must be positive, got {channels}");
        Channels = channels;
        Eps = eps;
        Momentum = momentum;
        Weight = affine ? Parameter("weight", Tensor.Full(device, [channels], 1f)) : null;
        Bias = affine ? Parameter("bias", Tensor.Zeros(device, channels)) : null;
        RunningMean = Buffer("running_mean", Tensor.Zeros(device, channels));
        RunningVar = Buffer("running_var", Tensor.Full(device, [channels], 1f));
    }

    public int Channels { get; }

    public float Eps { get; }

    public float Momentum { get; }

    public Tensor? Weight { get; }

    public Tensor? Bias { get; }

    public Tensor RunningMean { get; }

    public Tensor RunningVar { get; }

    public Tensor Forward(Tensor x) => Ops.BatchNorm2d(x, Weight, Bias, RunningMean, RunningVar, Training, Momentum, Eps);
}
