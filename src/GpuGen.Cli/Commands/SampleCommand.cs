using System.CommandLine;
using GpuGen.IO;
using GpuGen.Models;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen sample CKPT`: draws samples from any checkpoint. The checkpoint names its model family;
/// <see cref="GenerativeModel.Load"/> finds it in <see cref="ModelFamilies"/>, and the family refuses
/// the options that do not apply to it.
/// </summary>
internal static class SampleCommand
{
    public static Command Create()
    {
        var o = new SampleOptions();
        var cmd = new Command("sample", "draw samples from a trained model (any family)");
        cmd.Add(o.Checkpoint);
        foreach (var option in o.Options()) cmd.Add(option);
        cmd.SetAction(r =>
        {
            CommonOptions.Positive(r.GetValue(o.N), "--n");
            string? npyPath = r.GetValue(o.Npy) is { } npy ? CommonOptions.OutputPath(npy, "--npy") : null;
            var files = new List<(string Picture, string Path)>();
            foreach (var (option, picture) in o.Pictures())
                if (r.GetValue(option) is { } file) files.Add((picture, CommonOptions.OutputPath(file, $"--{picture}")));
            using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
            using var model = GenerativeModel.Load(r.GetValue(o.Checkpoint)!, dev);
            var result = model.Sample(o.Request(r, files.Select(f => f.Picture)));
            if (npyPath is not null) Npy.Write(npyPath, result.Samples, result.Shape);
            foreach (var (picture, path) in files) result.Pictures[picture].SavePng(path);
            foreach (string line in result.Lines) Console.WriteLine(line);
            foreach (string written in new[] { npyPath }.Concat(files.Select(f => f.Path)).OfType<string>()) Console.WriteLine($"wrote {written}");
            if (r.GetValue(o.Json))
            {
                var json = result.Numbers.Add("npy", npyPath);
                foreach (var (_, picture) in o.Pictures()) json.Add(picture, files.FirstOrDefault(f => f.Picture == picture).Path);
                Console.WriteLine(json);
            }
            return 0;
        });
        return cmd;
    }
}

/// <summary>The options of `gpugen sample`; a family reads those that apply to it.</summary>
internal sealed class SampleOptions
{
    public Argument<string> Checkpoint { get; } = new("checkpoint") { Description = "a .safetensors checkpoint written by gpugen train" };
    public Option<int> N { get; } = new("--n", "-n") { Description = "number of samples", DefaultValueFactory = _ => 1000 };
    public Option<ulong> Seed { get; } = CommonOptions.Seed();
    public Option<string?> Npy { get; } = new("--npy") { Description = "write the samples as a .npy file" };
    public Option<string?> Png { get; } = new("--grid", "--png") { Description = "write a picture of the samples (a grid for images, a scatter for 2-D data)" };
    public Option<string?> Chain { get; } = new("--chain", "--chain-png") { Description = "diffusion: write a picture of the reverse chain (x_T to x_0)" };
    public Option<string> Sampler { get; } = MakeSampler();
    public Option<int?> DdimSteps { get; } = new("--steps", "--ddim-steps") { Description = "diffusion: sampling steps K (DDIM default 50; DDPM default all T, fewer respaces the chain)" };
    public Option<float> Eta { get; } = new("--eta") { Description = "DDIM: noise scale η (0 = deterministic)", DefaultValueFactory = _ => 0f };
    public Option<bool> NoEma { get; } = new("--no-ema") { Description = "use the live weights instead of their moving average" };
    public Option<string> Device { get; } = CommonOptions.Device();
    public Option<bool> Json { get; } = CommonOptions.Json();
    public Option<int?> Class { get; } = new("--class") { Description = "conditional models: the class of every sample (default: sample i gets class i mod classes)" };
    public Option<float> Guidance { get; } = new("--guidance", "-w") { Description = "conditional models: classifier-free guidance w in ε_u + w(ε_c − ε_u); 0 = unconditional, 1 = conditional", DefaultValueFactory = _ => 1f };
    public Option<string?> Spacing { get; } = MakeSpacing();
    public Option<float> Clip { get; } = new("--clip") { Description = "image diffusion: clip x̂₀ to ±clip in each step (0: off)", DefaultValueFactory = _ => 1f };
    public Option<string> Variance { get; } = MakeVariance();
    public Option<float> Temperature { get; } = new("--temperature", "-t") { Description = "VAEs and flows: z ~ N(0, T²·I) (T < 1 trades variety for cleaner samples)", DefaultValueFactory = _ => 1f };
    public Option<string?> Recon { get; } = new("--recon") { Description = "VAEs: write held-out images (top rows) above their reconstructions" };
    public Option<string?> Walk { get; } = new("--walk") { Description = "VAEs: write a latent-space walk (2-D latent) or interpolations between held-out images" };

    public IEnumerable<Option> Options() => [N, Seed, Npy, Png, Chain, Sampler, DdimSteps, Eta, NoEma, Device, Json, Class, Guidance, Spacing, Clip, Variance, Temperature, Recon, Walk];

    /// <summary>The picture options, each with the <see cref="SamplePictures"/> name it asks for.</summary>
    public IEnumerable<(Option<string?> Option, string Picture)> Pictures() =>
        [(Png, SamplePictures.Grid), (Chain, SamplePictures.Chain), (Recon, SamplePictures.Recon), (Walk, SamplePictures.Walk)];

    /// <summary>The request the options make; an option left at its default is null, so a family can tell it was not given.</summary>
    public SampleRequest Request(ParseResult r, IEnumerable<string> pictures) => new(
        r.GetValue(N), r.GetValue(Seed), r.GetValue(Class), Given(r, Guidance), Given(r, Sampler), r.GetValue(DdimSteps), Given(r, Eta),
        r.GetValue(Spacing), Given(r, Clip), Given(r, Variance), Given(r, Temperature), UseEma: !r.GetValue(NoEma), Pictures: pictures.ToHashSet());

    private static T? Given<T>(ParseResult r, Option<T> option) where T : struct =>
        r.GetResult(option) is { Implicit: false } ? r.GetValue(option) : null;

    private static string? Given(ParseResult r, Option<string> option) =>
        r.GetResult(option) is { Implicit: false } ? r.GetValue(option) : null;

    internal static Option<string?> MakeSpacing()
    {
        var o = new Option<string?>("--spacing") { Description = "diffusion: timestep spacing leading, linspace or trailing (default: DDPM leading, DDIM trailing for images)" };
        o.AcceptOnlyFromAmong("leading", "linspace", "trailing");
        return o;
    }

    internal static Option<string> MakeVariance()
    {
        var o = new Option<string>("--variance") { Description = "DDPM: reverse variance fixed_large (β) or fixed_small (β̃)", DefaultValueFactory = _ => "fixed_large" };
        o.AcceptOnlyFromAmong("fixed_large", "fixed_small");
        return o;
    }

    private static Option<string> MakeSampler()
    {
        var sampler = new Option<string>("--sampler") { Description = "diffusion: ddpm (ancestral, every step) or ddim", DefaultValueFactory = _ => "ddpm" };
        sampler.AcceptOnlyFromAmong("ddpm", "ddim");
        return sampler;
    }
}
