namespace GpuGen.Training;

/// <summary>
/// The values of a <see cref="TrainingRecipe"/>'s parameters, as a family reads them to build its
/// model: from the command line (`gpugen train`), or from an embedding program
/// (<see cref="TrainingRecipe.Arguments"/>). A parameter not given has its default.
/// </summary>
public abstract class TrainArguments
{
    /// <summary>The value of <paramref name="parameter"/>: given, or its default.</summary>
    public abstract T Get<T>(TrainParameter<T> parameter);

    /// <summary>Whether <paramref name="parameter"/> was given (rather than left at its default).</summary>
    public abstract bool IsGiven(TrainParameter parameter);

    /// <summary>--data as given.</summary>
    public string Data => Get(TrainParameters.Data);

    public int Steps => Get(TrainParameters.Steps);

    public ulong Seed => Get(TrainParameters.Seed);

    /// <summary>--batch, or the family's <paramref name="fallback"/> for this data.</summary>
    public int BatchOr(int fallback) => Get(TrainParameters.Batch) ?? fallback;

    /// <summary>--lr, or the family's <paramref name="fallback"/> for this data.</summary>
    public float LearningRateOr(float fallback) => Get(TrainParameters.LearningRate) ?? fallback;

    /// <summary>--samples (a positive number), or the family's <paramref name="fallback"/>.</summary>
    public int SamplesOr(int fallback) => TrainingSetup.Positive(Get(TrainParameters.Samples) ?? fallback, TrainParameters.Samples);

    /// <summary>Arguments from values in code: each parameter given once; the rest keep their defaults (<paramref name="defaults"/> first).</summary>
    internal static TrainArguments Of(IEnumerable<(TrainParameter Parameter, object? Value)> values, IReadOnlyDictionary<TrainParameter, object?> defaults) =>
        new Given(values, defaults);

    private sealed class Given : TrainArguments
    {
        private readonly Dictionary<TrainParameter, object?> values = [];
        private readonly IReadOnlyDictionary<TrainParameter, object?> defaults;

        public Given(IEnumerable<(TrainParameter Parameter, object? Value)> given, IReadOnlyDictionary<TrainParameter, object?> defaults)
        {
            this.defaults = defaults;
            foreach (var (parameter, value) in given)
            {
                if (value is not null && !parameter.ValueType.IsInstanceOfType(value) && Nullable.GetUnderlyingType(parameter.ValueType)?.IsInstanceOfType(value) != true)
                    throw new ArgumentException($"{parameter.Name} takes a {parameter.ValueType.Name}, got a {value.GetType().Name}");
                if (!values.TryAdd(parameter, value)) throw new ArgumentException($"{parameter.Name} is given twice");
            }
        }

        public override T Get<T>(TrainParameter<T> parameter) =>
            values.TryGetValue(parameter, out var v) || defaults.TryGetValue(parameter, out v) ? (T)v! : parameter.Default;

        public override bool IsGiven(TrainParameter parameter) => values.ContainsKey(parameter);
    }
}
