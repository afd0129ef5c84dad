using GpuGen.Backends;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// Conversions between a model output o and the pair (x̂₀, ε̂) at a timestep with ᾱ = ᾱₜ; all three
/// parameterisations are linear in (xₜ, o), since xₜ = √ᾱ·x₀ + √(1−ᾱ)·ε:
///   ε:  x̂₀ = (xₜ − √(1−ᾱ)·o)/√ᾱ,  ε̂ = o;
///   x₀: x̂₀ = o,                   ε̂ = (xₜ − √ᾱ·o)/√(1−ᾱ);
///   v:  x̂₀ = √ᾱ·xₜ − √(1−ᾱ)·o,    ε̂ = √(1−ᾱ)·xₜ + √ᾱ·o.
/// </summary>
public static class Prediction
{
    /// <summary>Parses eps/epsilon, x0/sample or v.</summary>
    public static PredictionType Parse(string name) => name.ToLowerInvariant() switch
    {
        "eps" or "epsilon" => PredictionType.Epsilon,
        "x0" or "sample" => PredictionType.Sample,
        "v" or "v_prediction" => PredictionType.V,
        _ => throw new ArgumentException($"unknown prediction type '{name}' (expected eps, x0 or v)"),
    };

    /// <summary>The short name Parse reads back: eps, x0 or v.</summary>
    public static string Name(PredictionType type) => type switch
    {
        PredictionType.Epsilon => "eps",
        PredictionType.Sample => "x0",
        PredictionType.V => "v",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown prediction type"),
    };

    /// <summary>
    /// (a, b, c, d) with x̂₀ = a·xₜ + b·o and ε̂ = c·xₜ + d·o, in float64. For x₀-prediction at ᾱ = 1
    /// (no noise) ε̂ is undefined; c = d = 0 there.
    /// </summary>
    public static (double X0FromXt, double X0FromOut, double EpsFromXt, double EpsFromOut) Coefficients(PredictionType type, double alphaBar)
    {
        double a = Math.Sqrt(alphaBar), s = Math.Sqrt(1 - alphaBar);
        return type switch
        {
            PredictionType.Epsilon => (1 / a, -s / a, 0, 1),
            PredictionType.Sample => (0, 1, s > 0 ? 1 / s : 0, s > 0 ? -a / s : 0),
            PredictionType.V => (a, -s, s, a),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown prediction type"),
        };
    }

    /// <summary>
    /// Step arguments for the posterior form x_prev = pX0·x̂₀ + pXt·xₜ + pEps·ε̂ + σz at a timestep
    /// with ᾱ = <paramref name="alphaBar"/>, for a model that predicts <paramref name="type"/>.
    /// </summary>
    public static DiffusionStepArgs StepArgs(PredictionType type, double alphaBar, float clip, double pX0, double pXt, double pEps, double sigma)
    {
        var (x0Xt, x0Out, eXt, eOut) = Coefficients(type, alphaBar);
        return new DiffusionStepArgs((float)x0Xt, (float)-x0Out, clip, (float)pX0, (float)pXt, (float)pEps, (float)sigma, (float)eXt, (float)eOut);
    }
}
