using GpuGen.Backends;

namespace GpuGen.Tests.Kernels;

/// <summary>Plain float64 references for the element-wise maps, written from their definitions.</summary>
internal static class Reference
{
    public static double Unary(UnaryOp op, double x, double p) => op switch
    {
        UnaryOp.Identity => x,
        UnaryOp.Relu => Math.Max(x, 0),
        UnaryOp.LeakyRelu => x > 0 ? x : p * x,
        UnaryOp.Silu => x / (1 + Math.Exp(-x)),
        UnaryOp.Tanh => Math.Tanh(x),
        UnaryOp.Sigmoid => 1 / (1 + Math.Exp(-x)),
        UnaryOp.Gelu => x * Phi(x),
        UnaryOp.Exp => Math.Exp(x),
        UnaryOp.Log => Math.Log(x),
        UnaryOp.Square => x * x,
        UnaryOp.Neg => -x,
        UnaryOp.Scale => p * x,
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    /// <summary>f'(x).</summary>
    public static double Derivative(UnaryOp op, double x, double p)
    {
        double s = 1 / (1 + Math.Exp(-x));
        return op switch
        {
            UnaryOp.Identity => 1,
            UnaryOp.Relu => x > 0 ? 1 : 0,
            UnaryOp.LeakyRelu => x > 0 ? 1 : p,
            UnaryOp.Silu => s + x * s * (1 - s),
            UnaryOp.Tanh => 1 - Math.Tanh(x) * Math.Tanh(x),
            UnaryOp.Sigmoid => s * (1 - s),
            UnaryOp.Gelu => Phi(x) + x * Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI),
            UnaryOp.Exp => Math.Exp(x),
            UnaryOp.Log => 1 / x,
            UnaryOp.Square => 2 * x,
            UnaryOp.Neg => -1,
            UnaryOp.Scale => p,
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };
    }

    /// <summary>Standard normal CDF Φ(x) = ½ erfc(−x/√2).</summary>
    public static double Phi(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>
    /// erfc in float64: the Maclaurin series of erf for |z| &lt; 3 (terms up to ~10², so ~10⁻¹⁴
    /// absolute), Laplace's continued fraction erfc(z) = e^{−z²}/√π · 1/(z + ½/(z + 1/(z + 3/2/(z + …))))
    /// for z ≥ 3 (converges fast there), and erfc(−z) = 2 − erfc(z).
    /// </summary>
    public static double Erfc(double z)
    {
        if (z < 0) return 2 - Erfc(-z);
        if (z < 3)
        {
            double sum = 0, term = z;
            for (int n = 0; n < 200; n++)
            {
                sum += term / (2 * n + 1);
                term *= -z * z / (n + 1);
                if (Math.Abs(term) < 1e-17 * Math.Abs(sum)) break;
            }
            return 1 - 2 / Math.Sqrt(Math.PI) * sum;
        }
        double f = z;
        for (int k = 80; k >= 1; k--) f = z + k / 2.0 / f;
        return Math.Exp(-z * z) / Math.Sqrt(Math.PI) / f;
    }
}
