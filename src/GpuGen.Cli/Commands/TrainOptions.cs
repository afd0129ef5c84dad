using System.CommandLine;

namespace GpuGen.Cli.Commands;

/// <summary>
/// The options every `gpugen train` family shares, spelled the same everywhere; a family's options
/// class adds its own. Defaults that differ between families (batch, learning rate, samples) are null
/// here and resolved by the family.
/// </summary>
internal class TrainOptions(string data, string dataDefault, int steps, int sampleEvery, string batch, string lr, string samples)
{
    public Option<string> Data { get; } = new("--data") { Description = data, DefaultValueFactory = _ => dataDefault };
    public Option<int> Steps { get; } = new("--steps") { Description = "total optimisation steps (a resumed model counts the steps it has taken)", DefaultValueFactory = _ => steps };
    public Option<ulong> Seed { get; } = CommonOptions.Seed();
    public Option<string> Output { get; } = new("--out", "-o") { Description = "run folder (model.safetensors, step-K.safetensors, samples.png, samples-step-K.png, loss.png, loss.npy)", Required = true };
    public Option<int?> Batch { get; } = new("--batch") { Description = batch };
    public Option<float?> LearningRate { get; } = new("--lr") { Description = lr };
    public Option<int> Every { get; } = new("--checkpoint-every") { Description = "also write DIR/step-K.safetensors every K steps (0: only at the end)", DefaultValueFactory = _ => 0 };
    public Option<int> SampleEvery { get; } = new("--sample-every") { Description = "also write DIR/samples-step-K.png every K steps (0: only at the end)", DefaultValueFactory = _ => sampleEvery };
    public Option<int?> Samples { get; } = new("--samples") { Description = samples };
    public Option<string?> Resume { get; } = new("--resume")
    {
        Description = "continue the newest checkpoint in DIR (model.safetensors or the step-K.safetensors with the most steps), or the checkpoint given, up to --steps",
        Arity = ArgumentArity.ZeroOrOne,
    };
    public Option<string?> Init { get; } = new("--init")
    {
        Description = "start a new run from the weights in FILE (a checkpoint, or a float16 file from `gpugen export`), taking its config and step count; the optimizer starts afresh",
    };
    public Option<bool> Force { get; } = new("--force") { Description = "start over even if DIR already holds a run" };
    public Option<double> MaxSeconds { get; } = new("--max-seconds") { Description = "stop after this many seconds of training (then save as at the end)", DefaultValueFactory = _ => double.PositiveInfinity };
    public Option<string> Device { get; } = CommonOptions.Device();
    public Option<bool> Json { get; } = CommonOptions.Json();

    /// <summary>The shared options, then the family's.</summary>
    public IEnumerable<Option> Options() =>
        [Data, Steps, Seed, Output, Batch, LearningRate, Every, SampleEvery, Samples, Resume, Init, Force, MaxSeconds, Device, Json, .. FamilyOptions()];

    protected virtual IEnumerable<Option> FamilyOptions() => [];

    /// <summary>--resume as <see cref="Training.RunFolder.Resolve"/> takes it: null when not given, "" for the run folder's newest checkpoint.</summary>
    public string? ResumeRequest(ParseResult r) => r.GetResult(Resume) is { Implicit: false } ? r.GetValue(Resume) ?? "" : null;

    /// <summary>--samples, or the family's default for it.</summary>
    public int SamplesOr(ParseResult r, int fallback)
    {
        int n = r.GetValue(Samples) ?? fallback;
        CommonOptions.Positive(n, "--samples");
        return n;
    }
}
