using GpuGen.Autograd;
using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Flows;

/// <summary>
/// An element-wise affine map y = (x + b)·e^{log s}, log|det| = Σ log s (the same for every example).
/// Without a bias it is NICE's final diagonal scaling layer (Dinh et al. 2015, section 3.3); with one
/// and <see cref="DataInit"/> it is Glow's ActNorm (Kingma &amp; Dhariwal 2018, section 3.1): the first
/// batch sets b = −mean and log s = −log std per feature, so that layer's output starts standardized.
/// </summary>
public sealed class DiagonalScaling : Module, IFlowLayer
{
    public DiagonalScaling(Device device, int dim, bool bias, bool dataInit) : base(device)
    {
        LogScale = Parameter("log_scale", Tensor.Zeros(device, dim));
        Bias = bias ? Parameter("bias", Tensor.Zeros(device, dim)) : null;
        DataInit = dataInit;
    }

    public Tensor LogScale { get; }

    public Tensor? Bias { get; }

    /// <summary>Whether the first forward batch initializes the parameters (ActNorm); set false once done or when loaded.</summary>
    public bool DataInit { get; set; }

    /// <summary>y = (x + b)·e^{log s} for x [N, D] or any [N, …] of D features per example.</summary>
    public (Tensor Y, Tensor LogDet) Forward(Tensor x)
    {
        var flat = Flat(x);
        if (DataInit) Initialize(flat);
        var shifted = Bias is null ? flat : Ops.Add(flat, Bias);
        return (Ops.Mul(shifted, Ops.Exp(LogScale)).Reshape(x.Dims.ToArray()), Ops.Sum(LogScale));
    }

    public Tensor Inverse(Tensor y)
    {
        var x = Ops.Mul(Flat(y), Ops.Exp(Ops.Neg(LogScale)));
        return (Bias is null ? x : Ops.Sub(x, Bias)).Reshape(y.Dims.ToArray());
    }

    private Tensor Flat(Tensor x)
    {
        if (x.Rank < 1 || x.Length != (long)x.Dim(0) * LogScale.Length)
            throw new ArgumentException($"diagonal scaling of {LogScale.Length} features per example got {x.Describe()}");
        return x.Rank == 2 ? x : x.Reshape(x.Dim(0), checked((int)LogScale.Length));
    }

    private void Initialize(Tensor x)
    {
        DataInit = false;
        int dim = checked((int)LogScale.Length), rows = checked((int)(x.Length / dim));
        var values = x.ToArray();
        var bias = new float[dim];
        var logScale = new float[dim];
        for (int d = 0; d < dim; d++)
        {
            double sum = 0, sq = 0;
            for (int r = 0; r < rows; r++)
            {
                double v = values[(long)r * dim + d];
                sum += v;
                sq += v * v;
            }
            double mean = sum / rows, std = Math.Sqrt(Math.Max(0, sq / rows - mean * mean));
            bias[d] = (float)-mean;
            logScale[d] = (float)-Math.Log(std + 1e-6);
        }
        Bias?.CopyFrom(bias);
        LogScale.CopyFrom(logScale);
    }
}
