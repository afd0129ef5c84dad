namespace GpuGen.Models.Views;

/// <summary>
/// What `gpugen view` asks of a model, each value as given (null: not given, the family's default).
/// A family refuses a value that does not apply to it with one line naming the flag.
/// </summary>
public sealed record ViewRequest
{
    /// <summary>--n: images or points shown.</summary>
    public int? N { get; init; }

    /// <summary>--class: every image of this class (conditional models).</summary>
    public int? Class { get; init; }

    /// <summary>--steps: sampling steps (diffusion), or frames per turn of a latent walk.</summary>
    public int? Steps { get; init; }

    /// <summary>--temperature (flows).</summary>
    public float? Temperature { get; init; }

    /// <summary>--sampler: ddpm or ddim (diffusion).</summary>
    public string? Sampler { get; init; }

    /// <summary>--eta (DDIM).</summary>
    public float? Eta { get; init; }

    /// <summary>--guidance (conditional diffusion).</summary>
    public float? Guidance { get; init; }

    /// <summary>Refuses each of <paramref name="flags"/> that was given: it does not apply to a <paramref name="family"/> model.</summary>
    public void Refuse(string family, params ReadOnlySpan<string> flags)
    {
        foreach (string flag in flags)
            if (IsGiven(flag))
                throw new ArgumentException($"{flag} does not apply to gpugen view of a {family} model");
    }

    /// <summary>--n, or <paramref name="fallback"/>.</summary>
    public int Count(int fallback) => N ?? fallback;

    /// <summary>--class checked against a model with <paramref name="classes"/> classes (0: unconditional); −1 when not given.</summary>
    public int ClassIndex(int classes)
    {
        if (Class is not { } k) return -1;
        if (classes == 0) throw new ArgumentException("--class: this model is unconditional");
        if (k < 0 || k >= classes) throw new ArgumentException($"--class must be between 0 and {classes - 1}, got {k}");
        return k;
    }

    /// <summary>--steps checked against a diffusion model of <paramref name="timesteps"/> steps; 0 when not given (the sampler's default).</summary>
    public int StepsWithin(int timesteps) => Steps is { } s && (s < 1 || s > timesteps)
        ? throw new ArgumentException($"--steps must be between 1 and T = {timesteps}, got {s}")
        : Steps ?? 0;

    /// <summary>--steps as frames per turn of a latent walk (a positive number), or <paramref name="fallback"/>.</summary>
    public int FramesPerTurn(int fallback) => Steps is { } s && s < 1 ? throw new ArgumentException($"--steps must be a positive number, got {s}") : Steps ?? fallback;

    /// <summary>The check every family shares (<see cref="GenerativeModel.View"/> makes it): --n is positive.</summary>
    public void Validate()
    {
        if (N is { } n && n < 1) throw new ArgumentException($"--n must be a positive number, got {n}");
    }

    private bool IsGiven(string flag) => flag switch
    {
        "--n" => N is not null,
        "--class" => Class is not null,
        "--steps" => Steps is not null,
        "--temperature" => Temperature is not null,
        "--sampler" => Sampler is not null,
        "--eta" => Eta is not null,
        "--guidance" => Guidance is not null,
        _ => throw new ArgumentException($"gpugen view has no flag {flag}", nameof(flag)),
    };
}
