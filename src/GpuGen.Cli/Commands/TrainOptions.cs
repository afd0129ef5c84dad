using System.CommandLine;
using GpuGen.Training;

namespace GpuGen.Cli.Commands;

/// <summary>
/// The flags of one `gpugen train` sub-command, made from its <see cref="TrainingRecipe"/>: the options
/// every family shares, spelled the same everywhere, then the family's own parameters, then the live
/// window's where the recipe has one. <see cref="Arguments"/> hands the parsed values to the recipe.
/// </summary>
internal sealed class TrainOptions
{
    private readonly Dictionary<TrainParameter, Option> byParameter = [];
    private readonly List<Option> family = [];

    public TrainOptions(TrainingRecipe recipe)
    {
        Data = Bind(TrainParameters.Data, new Option<string>("--data") { Description = recipe.DataHelp, DefaultValueFactory = _ => recipe.DataDefault });
        Steps = Bind(TrainParameters.Steps, new Option<int>("--steps") { Description = TrainParameters.Steps.Description, DefaultValueFactory = _ => recipe.Steps });
        Seed = Bind(TrainParameters.Seed, CommonOptions.Seed());
        Batch = Bind(TrainParameters.Batch, new Option<int?>("--batch") { Description = recipe.BatchHelp });
        LearningRate = Bind(TrainParameters.LearningRate, new Option<float?>("--lr") { Description = recipe.LearningRateHelp });
        Samples = Bind(TrainParameters.Samples, new Option<int?>("--samples") { Description = recipe.SamplesHelp });
        SampleEvery = new("--sample-every") { Description = "also write DIR/samples-step-K.png every K steps (0: only at the end)", DefaultValueFactory = _ => recipe.SampleEvery };
        foreach (var parameter in recipe.Parameters) family.Add(Bind(parameter, parameter.Accept(OptionMaker.Instance)));
        if (recipe.LiveView is { } live)
        {
            View = Bind(TrainParameters.View, new Option<bool>("--view") { Description = live.Help });
            ViewEvery = Bind(TrainParameters.ViewEvery, new Option<int>("--view-every") { Description = live.EveryHelp, DefaultValueFactory = _ => live.Every });
            ViewScreenshot = Bind(TrainParameters.ViewScreenshot, (Option<string?>)TrainParameters.ViewScreenshot.Accept(OptionMaker.Instance));
        }
    }

    public Option<string> Data { get; }
    public Option<int> Steps { get; }
    public Option<ulong> Seed { get; }
    public Option<string> Output { get; } = new("--out", "-o") { Description = "run folder (model.safetensors, step-K.safetensors, samples.png, samples-step-K.png, loss.png, loss.npy)", Required = true };
    public Option<int?> Batch { get; }
    public Option<float?> LearningRate { get; }
    public Option<int> Every { get; } = new("--checkpoint-every") { Description = "also write DIR/step-K.safetensors every K steps (0: only at the end)", DefaultValueFactory = _ => 0 };
    public Option<int> SampleEvery { get; }
    public Option<int?> Samples { get; }
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

    /// <summary>The live window's flags; null when the recipe has no live view.</summary>
    public Option<bool>? View { get; }
    public Option<int>? ViewEvery { get; }
    public Option<string?>? ViewScreenshot { get; }

    /// <summary>The shared options, then the family's, then the live window's.</summary>
    public IEnumerable<Option> All() =>
    [
        Data, Steps, Seed, Output, Batch, LearningRate, Every, SampleEvery, Samples, Resume, Init, Force, MaxSeconds, Device, Json, .. family,
        .. new Option?[] { View, ViewEvery, ViewScreenshot }.OfType<Option>(),
    ];

    /// <summary>--resume as <see cref="RunFolder.Resolve"/> takes it: null when not given, "" for the run folder's newest checkpoint.</summary>
    public string? ResumeRequest(ParseResult r) => r.GetResult(Resume) is { Implicit: false } ? r.GetValue(Resume) ?? "" : null;

    /// <summary>The parsed values as the recipe reads them.</summary>
    public TrainArguments Arguments(ParseResult r) => new Parsed(r, byParameter);

    private TOption Bind<TOption>(TrainParameter parameter, TOption option) where TOption : Option
    {
        byParameter.Add(parameter, option);
        return option;
    }

    /// <summary>A typed flag for a parameter: its name and aliases, help, default and choices.</summary>
    private sealed class OptionMaker : ITrainParameterVisitor<Option>
    {
        public static readonly OptionMaker Instance = new();

        public Option Visit<T>(TrainParameter<T> parameter)
        {
            var option = new Option<T>(parameter.Name, [.. parameter.Aliases]) { Description = parameter.Description };
            if (parameter.HasDefault)
            {
                T value = parameter.Default;
                option.DefaultValueFactory = _ => value;
            }
            if (parameter.Choices.Count > 0) option.AcceptOnlyFromAmong([.. parameter.Choices]);
            return option;
        }
    }

    private sealed class Parsed(ParseResult r, IReadOnlyDictionary<TrainParameter, Option> options) : TrainArguments
    {
        public override T Get<T>(TrainParameter<T> parameter) => options.TryGetValue(parameter, out var option)
            ? r.GetValue((Option<T>)option)!
            : throw new InvalidOperationException($"`{r.CommandResult.Command.Name}` reads {parameter.Name}, which its recipe does not declare");

        public override bool IsGiven(TrainParameter parameter) => options.TryGetValue(parameter, out var option) && r.GetResult(option) is { Implicit: false };
    }
}
