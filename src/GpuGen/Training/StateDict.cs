using System.Globalization;
using GpuGen.Nn;
using GpuGen.Optim;
using GpuGen.Tensors;

namespace GpuGen.Training;

/// <summary>
/// A run's state as its checkpoint names it, walked from the module tree like PyTorch's state_dict:
/// parameters and buffers (BatchNorm's running statistics) under their module paths ("net.0.weight"),
/// the EMA's copy of each weight as "ema.&lt;name&gt;", each Adam's moments as
/// "optim.exp_avg.&lt;name&gt;" / "optim.exp_avg_sq.&lt;name&gt;" (with a key, "optim.&lt;key&gt;.exp_avg.…": the
/// GAN's two optimizers are "g" and "d"), and the counters (Adam's step, the EMA's updates) as
/// metadata. Every family saves and restores through this one walk; the names are what PyTorch's
/// safetensors loader sees.
/// </summary>
public sealed class StateDict
{
    public const string EmaPrefix = "ema.";
    public const string OptimizerPrefix = "optim.";
    public const string EmaUpdatesKey = "gpugen.ema.updates";

    private readonly List<StateEntry> entries = [];
    private readonly List<(string Key, Func<long?> Get, Action<long> Set, Func<CheckpointFile, long> Missing)> counters = [];
    private readonly List<Adam> optimizers = [];
    private readonly Dictionary<Tensor, string> weightNames = new(ReferenceEqualityComparer.Instance);

    /// <summary>The parameters, then the buffers, of <paramref name="model"/>, depth first in registration order.</summary>
    public StateDict(Module model)
    {
        foreach (var (name, p) in model.NamedParameters())
        {
            entries.Add(new(name, p, StateKind.Weight, name));
            weightNames[p] = name;
        }
        foreach (var (name, b) in model.NamedBuffers()) entries.Add(new(name, b, StateKind.Buffer, name));
    }

    public IReadOnlyList<StateEntry> Entries => entries;

    /// <summary>The optimizers whose moments the state holds, in the order they were added.</summary>
    public IReadOnlyList<Adam> Optimizers => optimizers;

    /// <summary>Adds the EMA's copies of the model's weights (nothing when <paramref name="ema"/> is null).</summary>
    public StateDict WithEma(Ema? ema)
    {
        if (ema is null) return this;
        for (int i = 0; i < ema.Parameters.Count; i++)
        {
            string weight = WeightName(ema.Parameters[i], "the EMA");
            entries.Add(new(EmaPrefix + weight, ema.Shadow[i], StateKind.Average, weight));
        }
        counters.Add((EmaUpdatesKey, () => ema.Updates, v => ema.Updates = v, c => c.Step));
        return this;
    }

    /// <summary>Adds Adam's moments, named after the weights it updates (nothing when <paramref name="adam"/> is null).</summary>
    public StateDict WithOptimizer(Adam? adam, string? key = null)
    {
        if (adam is null) return this;
        optimizers.Add(adam);
        string prefix = OptimizerPrefix + (key is null ? "" : key + ".");
        for (int i = 0; i < adam.Parameters.Count; i++)
        {
            string weight = WeightName(adam.Parameters[i], "the optimizer");
            entries.Add(new(prefix + "exp_avg." + weight, adam.FirstMoments[i], StateKind.Moment, weight));
            entries.Add(new(prefix + "exp_avg_sq." + weight, adam.SecondMoments[i], StateKind.Moment, weight));
        }
        string counter = key is null ? "gpugen.optim." : $"gpugen.optim.{key}.";
        counters.Add((counter + "step", () => adam.StepCount, v => adam.StepCount = v, c => c.Step));
        // Written only where it differs from the step (a run started from exported weights), so other
        // checkpoints stay as they were; restored after the step, which it defaults to, or to 0 from an
        // exported file, whose moments are zero.
        counters.Add((counter + "moment_steps", () => adam.MomentSteps == adam.StepCount ? null : adam.MomentSteps,
            v => adam.MomentSteps = v, c => c.WeightsOnly ? 0 : adam.StepCount));
        return this;
    }

    /// <summary>The counters as checkpoint metadata.</summary>
    public IEnumerable<KeyValuePair<string, string>> Counters() =>
        from c in counters
        let value = c.Get()
        where value is not null
        select KeyValuePair.Create(c.Key, value.Value.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Sets the counters from a checkpoint's metadata. One it lacks (an exported file, or a file older
    /// than the counter) takes the checkpoint's step, so a warmed-up EMA goes on from there, except the
    /// age of Adam's moments in an exported file: they start from zero, and so does their bias
    /// correction (counting from the model's step would make the first hundreds of updates several
    /// times the learning rate).
    /// </summary>
    public void RestoreCounters(CheckpointFile checkpoint)
    {
        foreach (var (key, _, set, missing) in counters)
        {
            if (!checkpoint.File.Metadata.TryGetValue(key, out var text))
            {
                set(missing(checkpoint));
                continue;
            }
            set(long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value
                : throw new InvalidDataException($"checkpoint {checkpoint.Path}: metadata '{key}' is '{text}', not a count"));
        }
    }

    /// <summary>True for the tensors that only training needs: EMA copies and optimizer moments.</summary>
    public static bool IsTrainingState(string tensorName) =>
        tensorName.StartsWith(OptimizerPrefix, StringComparison.Ordinal) || tensorName.StartsWith(EmaPrefix, StringComparison.Ordinal);

    /// <summary>True for the metadata counters that only training needs.</summary>
    public static bool IsTrainingCounter(string metadataKey) =>
        metadataKey.StartsWith("gpugen." + OptimizerPrefix, StringComparison.Ordinal) || metadataKey == EmaUpdatesKey;

    private string WeightName(Tensor parameter, string owner) =>
        weightNames.TryGetValue(parameter, out var name) ? name
            : throw new ArgumentException($"{owner} holds a tensor {parameter.Describe()} that is not a parameter of the model");
}
