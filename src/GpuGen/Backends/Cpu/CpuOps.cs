using System.Runtime.CompilerServices;


namespace GpuGen.Backends.Cpu;

/// <summary>An element-wise map y = F(x) with its derivative D = f'(x), given x and y = f(x).</summary>
internal interface IUnaryFn
{
    static abstract TV F<TV>(TV x, TV param) where TV : unmanaged, IVec<TV>;
    static abstract TV D<TV>(TV x, TV y, TV param) where TV : unmanaged, IVec<TV>;

    /// <summary>Whether D reads y; when not, the backward kernel skips that stream (a memory-bound pass fewer).</summary>
    static virtual bool UsesOutput => true;
}

internal interface IBinaryFn
{
    static abstract TV F<TV>(TV a, TV b) where TV : unmanaged, IVec<TV>;
}

internal readonly struct IdentityFn : IUnaryFn
{
    public static bool UsesOutput => false;

    public static TV F<TV>(TV x, TV p) where TV : unmanaged, IVec<TV> => x;
    public static TV D<TV>(TV x, TV y, TV p) where TV : unmanaged, IVec<TV> => TV.Splat(1f);
}

/// <summary>ReLU; the derivative at 0 is 0 (PyTorch's choice).</summary>
internal readonly struct ReluFn : IUnaryFn
{
    public static bool UsesOutput => false;

    public static TV F<TV>(TV x, TV p) where TV : unmanaged, IVec<TV> => TV.Select(TV.GreaterThan(x, TV.Splat(0f)), x, TV.Splat(0f));
    public static TV D<TV>(TV x, TV y, TV p) where TV : unmanaged, IVec<TV> => TV.Select(TV.GreaterThan(x, TV.Splat(0f)), TV.Splat(1f), TV.Splat(0f));
}

internal readonly struct LeakyReluFn : IUnaryFn
{
    public static bool UsesOutput => false;

    public static TV F<TV>(TV x, TV p) where TV : unmanaged, IVec<TV> => TV.Select(TV.GreaterThan(x, TV.Splat(0f)), x, p * x);
    public static TV D<TV>(TV x, TV y, TV p) where TV : unmanaged, IVec<TV> => TV.Select(TV.GreaterThan(x, TV.Splat(0f)), TV.Splat(1f), p);
}

/// <summary>σ(x) = 1/(1 + e^−x), through <see cref="IVec{TV}.Sigmoid"/> (a cheap exp on AVX-512); σ → 0 below about −88.</summary>
internal readonly struct SigmoidFn : IUnaryFn
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV F<TV>(TV x, TV p) where TV : unmanaged, IVec<TV> => TV.Sigmoid(x);

    /// <summary>σ' = y(1 − y).</summary>
    public static TV D<TV>(TV x, TV y, TV p) where TV : unmanaged, IVec<TV> => y * (TV.Splat(1f) - y);
}

/// <summary>SiLU y = x·σ(x) (Elfwing et al. 2018); y' = σ(x)(1 + x(1 − σ(x))).</summary>
internal readonly struct SiluFn : IUnaryFn
{
    public static bool UsesOutput => false;

    public static TV F<TV>(TV x, TV p) where TV : unmanaged, IVec<TV> => x * TV.Sigmoid(x);

    public static TV D<TV>(TV x, TV y, TV p) where TV : unmanaged, IVec<TV>
    {
        TV s = TV.Sigmoid(x);
        return s * TV.MulAdd(x, TV.Splat(1f) - s, TV.Splat(1f));
    }
}

/// <summary>tanh; the forward runs through TensorPrimitives (see CpuKernels.Tanh), the derivative is 1 − y².</summary>
internal readonly struct TanhFn : IUnaryFn
{
    public static TV F<TV>(TV x, TV p) where TV : unmanaged, IVec<TV> =>
        TV.Splat(1f) - TV.Splat(2f) / (TV.Exp(x + x) + TV.Splat(1f));

    public static TV D<TV>(TV x, TV y, TV p) where TV : unmanaged, IVec<TV> => TV.Splat(1f) - y * y;
}

/// <summary>
/// Exact GELU, y = x·Φ(x), Φ(x) = ½ erfc(−x/√2); y' = Φ(x) + x·φ(x), φ(x) = e^{−x²/2}/√(2π).
/// </summary>
internal readonly struct GeluFn : IUnaryFn
{
    public static bool UsesOutput => false;

    private const float InvSqrt2 = 0.70710678118654752f;
    private const float InvSqrt2Pi = 0.39894228040143268f;

    public static TV F<TV>(TV x, TV p) where TV : unmanaged, IVec<TV> => x * Phi(x);

    public static TV D<TV>(TV x, TV y, TV p) where TV : unmanaged, IVec<TV> =>
        TV.MulAdd(x, TV.Splat(InvSqrt2Pi) * TV.Exp(TV.Splat(-0.5f) * x * x), Phi(x));

    /// <summary>Φ(x) from erfc of |x|/√2, choosing the side that keeps relative accuracy in the tails.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Phi<TV>(TV x) where TV : unmanaged, IVec<TV>
    {
        TV half = TV.Splat(0.5f) * Erfc(TV.Abs(x) * TV.Splat(InvSqrt2));
        return TV.Select(TV.GreaterThan(x, TV.Splat(0f)), TV.Splat(1f) - half, half);
    }

    /// <summary>
    /// erfc(z) for z ≥ 0 with fractional error below 1.2·10⁻⁷ everywhere: the Chebyshev fit
    /// erfc(z) ≈ t·exp(−z² − 1.26551223 + t·P(t)), t = 1/(1 + z/2), of Numerical Recipes in C,
    /// 2nd ed., §6.2 (function erfcc; Press et al. 1992). Being relative, the error bound keeps
    /// GELU's negative tail x·Φ(x) accurate too, which 1 − erf(·) would lose to cancellation.
    /// (Evaluated in float32, the argument −z² adds ~z²·2⁻²⁴ of relative error far in the tail.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Erfc<TV>(TV z) where TV : unmanaged, IVec<TV>
    {
        TV t = TV.Splat(1f) / TV.MulAdd(TV.Splat(0.5f), z, TV.Splat(1f));
        TV poly = TV.Splat(0.17087277f);
        poly = TV.MulAdd(poly, t, TV.Splat(-0.82215223f));
        poly = TV.MulAdd(poly, t, TV.Splat(1.48851587f));
        poly = TV.MulAdd(poly, t, TV.Splat(-1.13520398f));
        poly = TV.MulAdd(poly, t, TV.Splat(0.27886807f));
        poly = TV.MulAdd(poly, t, TV.Splat(-0.18628806f));
        poly = TV.MulAdd(poly, t, TV.Splat(0.09678418f));
        poly = TV.MulAdd(poly, t, TV.Splat(0.37409196f));
        poly = TV.MulAdd(poly, t, TV.Splat(1.00002368f));
        poly = TV.MulAdd(poly, t, TV.Splat(-1.26551223f));
        return t * TV.Exp(poly - z * z);
    }
}

internal readonly struct ExpFn : IUnaryFn
{
    public static TV F<TV>(TV x, TV p) where TV : unmanaged, IVec<TV> => TV.Exp(x);
    public static TV D<TV>(TV x, TV y, TV p) where TV : unmanaged, IVec<TV> => y;
}

internal readonly struct LogFn : IUnaryFn
{
    public static bool UsesOutput => false;

    public static TV F<TV>(TV x, TV p) where TV : unmanaged, IVec<TV> => TV.Log(x);
    public static TV D<TV>(TV x, TV y, TV p) where TV : unmanaged, IVec<TV> => TV.Splat(1f) / x;
}

internal readonly struct SquareFn : IUnaryFn
{
    public static bool UsesOutput => false;

    public static TV F<TV>(TV x, TV p) where TV : unmanaged, IVec<TV> => x * x;
    public static TV D<TV>(TV x, TV y, TV p) where TV : unmanaged, IVec<TV> => x + x;
}

internal readonly struct NegFn : IUnaryFn
{
    public static bool UsesOutput => false;

    public static TV F<TV>(TV x, TV p) where TV : unmanaged, IVec<TV> => -x;
    public static TV D<TV>(TV x, TV y, TV p) where TV : unmanaged, IVec<TV> => TV.Splat(-1f);
}

internal readonly struct ScaleFn : IUnaryFn
{
    public static bool UsesOutput => false;

    public static TV F<TV>(TV x, TV p) where TV : unmanaged, IVec<TV> => p * x;
    public static TV D<TV>(TV x, TV y, TV p) where TV : unmanaged, IVec<TV> => p;
}

internal readonly struct AddFn : IBinaryFn
{
    public static TV F<TV>(TV a, TV b) where TV : unmanaged, IVec<TV> => a + b;
}

internal readonly struct SubFn : IBinaryFn
{
    public static TV F<TV>(TV a, TV b) where TV : unmanaged, IVec<TV> => a - b;
}

internal readonly struct MulFn : IBinaryFn
{
    public static TV F<TV>(TV a, TV b) where TV : unmanaged, IVec<TV> => a * b;
}
