namespace GpuGen.Bench.Parity;

/// <summary>
/// How far a device may differ from the `cpu` reference, as max |device − reference| / max |reference|
/// over one output. float32 has a unit roundoff of 6·10⁻⁸; each bound is that times what the kernel
/// does to it, with room for a fused multiply-add on one side and not the other.
/// </summary>
public static class ParityTolerance
{
    /// <summary>Copies and one or two roundings per element (fill, axpby, copy, binary ops, pooling, lookup, dropout).</summary>
    public const double Exact = 1e-6;

    /// <summary>Elements through exp, log, tanh, σ, erf or √ (activations, softmax, Box–Muller, Adam, coupling): a few ulp each.</summary>
    public const double Transcendental = 1e-5;

    /// <summary>Sums in a different order (GEMM, convolution, reductions, losses, norms): error grows like √n·ε, n ≤ a few thousand.</summary>
    public const double Sum = 2e-5;

    /// <summary>Normalization backward: dx is a difference of sums over a group, so cancellation amplifies the rounding.</summary>
    public const double NormBackward = 1e-4;

    /// <summary>sin/cos of t·f with t up to 10³ (timestep embedding): the argument alone rounds by 6·10⁻⁵ in float32.</summary>
    public const double Phase = 2e-4;
}
