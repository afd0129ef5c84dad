using System.CommandLine;
using GpuGen.Models;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen eval CKPT`: the model family's metrics (held-out losses, likelihood bounds, sample
/// distances), printed as a table and, with --json, as one JSON object on the last line. The
/// checkpoint names its family; <see cref="GenerativeModel.Load"/> finds it in <see cref="ModelFamilies"/>.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var o = new EvalOptions();
        var cmd = new Command("eval", "measure a trained model (any family)");
        cmd.Add(o.Checkpoint);
        foreach (var option in o.Options()) cmd.Add(option);
        cmd.SetAction(r =>
        {
            CommonOptions.Positive(r.GetValue(o.N), "--n");
            using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
            using var model = GenerativeModel.Load(r.GetValue(o.Checkpoint)!, dev);
            using var bars = new StageProgress();
            var json = model.Evaluate(o.Request(r, bars.Report), Console.Out);
            bars.Dispose();
            if (r.GetValue(o.Json)) Console.WriteLine(json);
            return 0;
        });
        return cmd;
    }
}

/// <summary>The options of `gpugen eval`; a family reads those that apply to it.</summary>
internal sealed class EvalOptions
{
    public Argument<string> Checkpoint { get; } = new("checkpoint") { Description = "a .safetensors checkpoint written by gpugen train" };
    public Option<int> N { get; } = new("--n", "-n") { Description = "number of samples or held-out examples", DefaultValueFactory = _ => 10_000 };
    public Option<ulong> Seed { get; } = CommonOptions.Seed();
    public Option<bool> NoEma { get; } = new("--no-ema") { Description = "use the live weights instead of their moving average" };
    public Option<string> Device { get; } = CommonOptions.Device();
    public Option<bool> Json { get; } = CommonOptions.Json();
    public Option<string?> Data { get; } = new("--data") { Description = "data to measure against (fashion-mnist, idx:DIR, folder:DIR); default: what the model was trained on" };
    public Option<string?> Classifier { get; } = new("--classifier") { Description = "the classifier checkpoint for Fréchet distances (default: cached, trained on first use)" };

    public Option<int> BpdN { get; } = new("--bpd-n") { Description = "image diffusion: held-out images for bits/dim", DefaultValueFactory = _ => 64 };
    public Option<int> BpdTimesteps { get; } = new("--bpd-timesteps") { Description = "image diffusion: timesteps of L_vlb evaluated (0: all T; fewer: a stratified estimate)", DefaultValueFactory = _ => 0 };
    public Option<string> Sampler { get; } = new("--sampler") { Description = "diffusion: sampler for the samples of the Fréchet distance: ddpm or ddim", DefaultValueFactory = _ => "ddim" };
    public Option<int?> Steps { get; } = new("--steps") { Description = "diffusion: sampling steps for the Fréchet distance (DDIM default 50)" };
    public Option<float> Guidance { get; } = new("--guidance", "-w") { Description = "conditional models: guidance w for the Fréchet-distance samples", DefaultValueFactory = _ => 1f };
    public Option<bool> NoFd { get; } = new("--no-fd") { Description = "image models: skip the Fréchet distance (no classifier, no sampling)" };

    public Option<int> K { get; } = new("--k") { Description = "VAEs: importance samples for the importance-weighted bound (0: the ELBO only)", DefaultValueFactory = _ => 0 };

    public IEnumerable<Option> Options() => [N, Seed, NoEma, Device, Json, Data, Classifier, BpdN, BpdTimesteps, Sampler, Steps, Guidance, NoFd, K];

    /// <summary>The request the options make; progress goes to <paramref name="progress"/>, side remarks to stderr.</summary>
    public EvalRequest Request(ParseResult r, Action<EvalProgress> progress) => new(
        r.GetValue(N), r.GetValue(Seed), r.GetValue(Data), r.GetValue(Classifier), r.GetValue(BpdN), r.GetValue(BpdTimesteps),
        r.GetValue(Sampler)!, r.GetValue(Steps), r.GetValue(Guidance), FrechetDistance: !r.GetValue(NoFd), K: r.GetValue(K),
        UseEma: !r.GetValue(NoEma), Progress: progress, Log: line => Console.Error.WriteLine(line));
}
