namespace GpuGen.Models;

/// <summary>
/// What <see cref="GenerativeModel.Evaluate"/> is asked for: everything `gpugen eval` takes. A family
/// refuses, with an <see cref="ArgumentException"/>, an option that does not apply to it.
/// </summary>
/// <param name="N">samples or held-out examples measured</param>
/// <param name="Seed">the seed of every random number drawn</param>
/// <param name="Data">the data to measure against (null: what the model was trained on)</param>
/// <param name="Classifier">the classifier checkpoint for Fréchet distances (null: the cached one, trained on first use)</param>
/// <param name="BpdN">image diffusion: held-out images for bits/dim</param>
/// <param name="BpdTimesteps">image diffusion: timesteps of L_vlb evaluated (0: all T)</param>
/// <param name="Sampler">diffusion: sampler of the Fréchet-distance samples, "ddpm" or "ddim"</param>
/// <param name="Steps">diffusion: sampling steps of the Fréchet-distance samples (null: the sampler's default)</param>
/// <param name="Guidance">conditional models: guidance w of the Fréchet-distance samples</param>
/// <param name="FrechetDistance">image models: measure the Fréchet distance (false: no classifier, no sampling)</param>
/// <param name="K">VAEs: importance samples of the importance-weighted bound (0: the ELBO only)</param>
/// <param name="UseEma">diffusion: the weights' moving average (false: the live weights)</param>
/// <param name="Progress">hears how far each long stage is</param>
/// <param name="Log">hears side remarks (which classifier was used, and the like)</param>
/// <param name="ClassifierCache">the folder of cached classifiers (null: the default one)</param>
public sealed record EvalRequest(
    int N = 10_000,
    ulong Seed = 0,
    string? Data = null,
    string? Classifier = null,
    int BpdN = 64,
    int BpdTimesteps = 0,
    string Sampler = "ddim",
    int? Steps = null,
    float Guidance = 1f,
    bool FrechetDistance = true,
    int K = 0,
    bool UseEma = true,
    Action<EvalProgress>? Progress = null,
    Action<string>? Log = null,
    string? ClassifierCache = null)
{
    internal void Report(string stage, long done, long total, string status = "") => Progress?.Invoke(new EvalProgress(stage, done, total, status));
}
