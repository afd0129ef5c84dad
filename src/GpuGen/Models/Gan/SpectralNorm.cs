using GpuGen.Autograd;
using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Gan;

/// <summary>
/// Spectral normalization of one weight (Miyato et al. 2018), as torch.nn.utils.spectral_norm: the weight
/// viewed as W [out, in·…] is used as W / σ, with σ = uᵀWv estimated by power iteration — each training
/// forward takes one step v = Wᵀu/‖Wᵀu‖, u = Wv/‖Wv‖ from the saved u (a buffer, "weight_u"). u and v are
/// constants for the gradient, which flows through W and through σ(W) = Σ W ⊙ uvᵀ. The iteration runs on the
/// host (the matrices of a discriminator are small) in float64.
/// </summary>
public sealed class SpectralNorm : Module
{
    private readonly int rows, cols;
    private double[]? v;

    public SpectralNorm(Device device, int rows, int cols, Initializer init) : base(device)
    {
        this.rows = rows;
        this.cols = cols;
        using var draw = init.Normal(device, 0f, 1f, rows);
        var u0 = draw.ToArray().Select(x => (double)x).ToArray();
        Normalize(u0);
        U = Buffer("weight_u", Tensor.FromArray(device, u0.Select(x => (float)x).ToArray(), rows));
    }

    /// <summary>The left singular vector estimate u [out].</summary>
    public Tensor U { get; }

    /// <summary>σ of the last forward.</summary>
    public double Sigma { get; private set; } = double.NaN;

    /// <summary>W / σ(W) on the current tape; <paramref name="update"/> takes one power-iteration step first.</summary>
    public Tensor Apply(Tensor weight, bool update)
    {
        if (weight.Length != (long)rows * cols) throw new ArgumentException($"SpectralNorm: weight {weight.Describe()} is not {rows}×{cols}");
        var w = weight.ToArray();
        var u = U.ToArray().Select(x => (double)x).ToArray();
        if (update || v is null)
        {
            var (nu, nv, _) = Step(w, rows, cols, u);
            v = nv;
            if (update)
            {
                u = nu;
                U.CopyFrom(u.Select(x => (float)x).ToArray());
            }
        }
        var outer = new float[rows * cols];
        double sigma = 0;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
            {
                outer[i * cols + j] = (float)(u[i] * v[j]);
                sigma += u[i] * w[i * cols + j] * v[j];
            }
        Sigma = sigma;
        var uv = Tensor.FromArray(Device, outer, rows, cols);
        var s = Ops.Sum(Ops.Mul(weight.Reshape(rows, cols), uv));
        return Ops.Mul(weight, Ops.Exp(Ops.Neg(Ops.Log(s))));
    }

    /// <summary>One power-iteration step from u: v = Wᵀu/‖·‖, u′ = Wv/‖·‖, σ = u′ᵀWv.</summary>
    public static (double[] U, double[] V, double Sigma) Step(ReadOnlySpan<float> w, int rows, int cols, double[] u)
    {
        var v = new double[cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) v[j] += w[i * cols + j] * u[i];
        Normalize(v);
        var nu = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double s = 0;
            for (int j = 0; j < cols; j++) s += w[i * cols + j] * v[j];
            nu[i] = s;
        }
        double sigma = Math.Sqrt(nu.Sum(x => x * x));
        Normalize(nu);
        return (nu, v, sigma);
    }

    private static void Normalize(double[] x)
    {
        double n = Math.Sqrt(x.Sum(e => e * e));
        double scale = n > 1e-30 ? 1 / n : 0;
        for (int i = 0; i < x.Length; i++) x[i] *= scale;
    }
}
