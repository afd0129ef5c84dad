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
    private readonly List<(string Key, Func<long> Get, Action<long> Set)> counters = [];
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

    /// <summary>Adds the EMA's copies of the model's weights (nothing when <paramref name="ema"/> is null).</summary>
    public StateDict WithEma(Ema? ema)
    {
        if (ema is null) return this;
        for (int i = 0; i < ema.Parameters.Count; i++)
        {
            string weight = WeightName(ema.Parameters[i], "the EMA");
            entries.Add(new(EmaPrefix + weight, ema.Shadow[i], StateKind.Average, weight));
        }
        counters.Add((EmaUpdatesKey, () => ema.Updates, v => ema.Updates = v));
        return this;
    }

    /// <summary>Adds Adam's moments, named after the weights it updates (nothing when <paramref name="adam"/> is null).</summary>
    public StateDict WithOptimizer(Adam? adam, string? key = null)
    {
        if (adam is null) return this;
        string prefix = OptimizerPrefix + (key is null ? "" : key + ".");
        for (int i = 0; i < adam.Parameters.Count; i++)
        {
            string weight = WeightName(adam.Parameters[i], "the optimizer");
            entries.Add(new(prefix + "exp_avg." + weight, adam.FirstMoments[i], StateKind.Moment, weight));
            entries.Add(new(prefix + "exp_avg_sq." + weight, adam.SecondMoments[i], StateKind.Moment, weight));
        }
        counters.Add((key is null ? "gpugen.optim.step" : $"gpugen.optim.{key}.step", () => adam.StepCount, v => adam.StepCount = v));
        return this;
    }

    /// <summary>The counters as checkpoint metadata.</summary>
    public IEnumerable<KeyValuePair<string, string>> Counters() =>
        counters.Select(c => KeyValuePair.Create(c.Key, c.Get().ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// Sets the counters from a checkpoint's metadata; one it lacks (an exported file) takes the
    /// checkpoint's step, so a bias-corrected Adam and a warmed-up EMA go on from there.
    /// </summary>
    public void RestoreCounters(CheckpointFile checkpoint)
    {
        foreach (var (key, _, set) in counters)
        {
            if (!checkpoint.File.Metadata.TryGetValue(key, out var text))
            {
                set(checkpoint.Step);
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
