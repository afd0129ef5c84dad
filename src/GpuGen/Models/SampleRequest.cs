namespace GpuGen.Models;

/// <summary>
/// What <see cref="GenerativeModel.Sample"/> is asked for: everything `gpugen sample` takes. A null
/// option was not given (the family uses its default); a family refuses, with an
/// <see cref="ArgumentException"/>, an option that does not apply to it.
/// </summary>
/// <param name="N">number of samples</param>
/// <param name="Seed">the seed of every random number drawn (same seed, same samples)</param>
/// <param name="Class">conditional models: the class of every sample (null: sample i gets class i mod classes)</param>
/// <param name="Guidance">conditional diffusion: classifier-free guidance w (null: 1, the conditional model)</param>
/// <param name="Sampler">diffusion: "ddpm" or "ddim" (null: ddpm)</param>
/// <param name="Steps">diffusion: sampling steps K (null: DDIM 50, DDPM all T)</param>
/// <param name="Eta">DDIM: noise scale η (null: 0)</param>
/// <param name="Spacing">diffusion: timestep spacing leading, linspace or trailing (null: the sampler's default)</param>
/// <param name="Clip">image diffusion: clip x̂₀ to ±clip (null: 1; 0: off)</param>
/// <param name="Variance">DDPM: "fixed_large" or "fixed_small" (null: fixed_large)</param>
/// <param name="Temperature">VAEs and flows: z ~ N(0, T²·I) (null: 1)</param>
/// <param name="UseEma">diffusion: the weights' moving average (false: the live weights)</param>
/// <param name="Pictures">the pictures wanted, by <see cref="SamplePictures"/> name</param>
public sealed record SampleRequest(
    int N = 1000,
    ulong Seed = 0,
    int? Class = null,
    float? Guidance = null,
    string? Sampler = null,
    int? Steps = null,
    float? Eta = null,
    string? Spacing = null,
    float? Clip = null,
    string? Variance = null,
    float? Temperature = null,
    bool UseEma = true,
    IReadOnlySet<string>? Pictures = null)
{
    /// <summary>The options of diffusion samplers, by their `gpugen sample` names.</summary>
    public static IReadOnlyList<string> DiffusionOptions { get; } = ["--sampler", "--steps", "--eta", "--spacing", "--clip", "--variance"];

    public bool Wants(string picture) => Pictures?.Contains(picture) == true;

    /// <summary>The options given (pictures included), by their `gpugen sample` names, in the order a refusal names them.</summary>
    public IEnumerable<string> Given()
    {
        if (Wants(SamplePictures.Chain)) yield return "--chain";
        if (Guidance is not null) yield return "--guidance";
        if (Class is not null) yield return "--class";
        if (Wants(SamplePictures.Recon)) yield return "--recon";
        if (Wants(SamplePictures.Walk)) yield return "--walk";
        if (Temperature is not null) yield return "--temperature";
        if (Sampler is not null) yield return "--sampler";
        if (Steps is not null) yield return "--steps";
        if (Eta is not null) yield return "--eta";
        if (Spacing is not null) yield return "--spacing";
        if (Clip is not null) yield return "--clip";
        if (Variance is not null) yield return "--variance";
    }

    /// <summary>Refuses the first given option of <paramref name="options"/> with "OPTION <paramref name="why"/>".</summary>
    public void Refuse(string why, IEnumerable<string> options)
    {
        if (Given().FirstOrDefault(options.Contains) is { } given) throw new ArgumentException($"{given} {why}");
    }
}
