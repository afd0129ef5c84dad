using GpuGen.Tensors;

namespace GpuGen.Training;

/// <summary>
/// How a family is trained from scratch: the `gpugen train` sub-command it answers to, the parameters
/// it takes beyond the shared ones (<see cref="TrainParameters"/>), and how those become a model on a
/// device, ready for <see cref="TrainingDriver"/>. A family declares its recipes in its own folder and
/// lists them in its <see cref="Models.ModelFamily"/> entry; the command line makes one sub-command
/// of each, and an embedding program can do the same without one:
/// <code>
/// var open = recipe.Prepare(recipe.Arguments((TrainParameters.Data, "fashion-mnist")));
/// using var run = open(device, resume: null);
/// TrainingDriver.Run(run, new TrainingOptions("runs/x", Steps: 1000));
/// </code>
/// </summary>
public sealed record TrainingRecipe
{
    /// <summary>The sub-command, e.g. "ddpm" (`gpugen train ddpm`).</summary>
    public required string Command { get; init; }

    /// <summary>Its help line.</summary>
    public required string Description { get; init; }

    /// <summary>Help for --data: the kinds of data the family trains on.</summary>
    public required string DataHelp { get; init; }

    /// <summary>--data when not given.</summary>
    public string DataDefault { get; init; } = "fashion-mnist";

    /// <summary>--steps when not given.</summary>
    public int Steps { get; init; } = 5000;

    /// <summary>--sample-every when not given (0: sample pictures only at the end).</summary>
    public int SampleEvery { get; init; }

    /// <summary>Help for --batch, with the family's defaults.</summary>
    public required string BatchHelp { get; init; }

    /// <summary>Help for --lr, with the family's defaults.</summary>
    public required string LearningRateHelp { get; init; }

    /// <summary>Help for --samples: what the pictures show, and how many by default.</summary>
    public required string SamplesHelp { get; init; }

    /// <summary>The family's own parameters, in the order their help lists them.</summary>
    public IReadOnlyList<TrainParameter> Parameters { get; init; } = [];

    /// <summary>
    /// Null when the family has no live training window; otherwise what `train … --view` shows and
    /// how often it draws new samples (<see cref="ITrainingRun.Preview"/>).
    /// </summary>
    public TrainingLiveView? LiveView { get; init; }

    /// <summary>
    /// Checks the arguments and opens the data — before a device is opened, so that bad options and
    /// missing data are found at once — and returns what builds the run on a device: a new model, or the
    /// checkpoint given to resume (which it checks against the data). A bad argument is an
    /// <see cref="ArgumentException"/> naming the parameter; unreadable data names the data.
    /// </summary>
    public required Func<TrainArguments, OpenTraining> Prepare { get; init; }

    /// <summary>Arguments from values in code; parameters not given keep their defaults (this recipe's, for --data and --steps).</summary>
    public TrainArguments Arguments(params IEnumerable<(TrainParameter Parameter, object? Value)> values) =>
        TrainArguments.Of(values, new Dictionary<TrainParameter, object?>
        {
            [TrainParameters.Data] = DataDefault,
            [TrainParameters.Steps] = Steps,
            [TrainParameters.ViewEvery] = LiveView?.Every ?? TrainParameters.ViewEvery.Default,
        });
}

/// <summary>Builds a recipe's run on <paramref name="device"/>: a new model, or the one in <paramref name="resume"/>.</summary>
public delegate ITrainingRun OpenTraining(Device device, RunFolder.Found? resume);

/// <summary>A recipe's live training window: the help of --view and the default of --view-every.</summary>
public sealed record TrainingLiveView(string Help, string EveryHelp, int Every);
