using System.Globalization;
using GpuGen.IO;
using GpuGen.Nn;
using GpuGen.Optim;
using GpuGen.Tensors;

namespace GpuGen.Training;

/// <summary>
/// Checkpoints as safetensors files, readable by PyTorch's safetensors loader: a run's
/// <see cref="StateDict"/> (weights and buffers under their module paths, EMA copies, Adam's moments)
/// and string metadata with the model family, its JSON config (<see cref="Models.ConfigJson"/>), the
/// step and the state's counters. Written atomically: a crash never leaves a half file, and an
/// existing checkpoint is replaced only by a complete one.
/// </summary>
public static class Checkpoint
{
    public const string FormatVersion = "1";

    /// <summary>Writes <paramref name="state"/> and the family, config and step as metadata.</summary>
    public static void Save(string path, string family, string configJson, long step, StateDict state)
    {
        var tensors = state.Entries.Select(e => SafeTensor.Float32(e.Name, e.Tensor.ToArray(), e.Tensor.Dims));
        var metadata = new Dictionary<string, string>
        {
            ["gpugen.format"] = FormatVersion,
            ["gpugen.family"] = family,
            ["gpugen.config"] = configJson,
            ["gpugen.step"] = step.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in state.Counters()) metadata[key] = value;
        Write(path, tensors, metadata);
    }

    /// <summary>Writes a checkpoint of <paramref name="model"/> with its optimizer and EMA (see <see cref="StateDict"/>).</summary>
    public static void Save(string path, string family, string configJson, long step, Module model, Adam? optimizer = null, Ema? ema = null) =>
        Save(path, family, configJson, step, new StateDict(model).WithEma(ema).WithOptimizer(optimizer));

    /// <summary>Writes a safetensors file atomically, making its folder first.</summary>
    internal static void Write(string path, IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        SafeTensors.Write(path, tensors, metadata);
    }

    /// <summary>The model family a checkpoint holds ("ddpm-2d", …), read from its header alone.</summary>
    public static string ReadFamily(string path) => Open(path, expectedFamily: null).Family;

    /// <summary>
    /// Reads and validates a checkpoint file; errors name the file and what is wrong. With
    /// <paramref name="expectedFamily"/> set, a checkpoint of another family is an error.
    /// </summary>
    public static CheckpointFile Open(string path, string? expectedFamily)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint {path}: no such file", path);
        var file = SafeTensors.Read(path);
        string Meta(string key) => file.Metadata.TryGetValue(key, out var v) ? v
            : throw new InvalidDataException($"checkpoint {path}: metadata has no '{key}' (not a GpuGen checkpoint?)");
        if (Meta("gpugen.format") != FormatVersion)
            throw new InvalidDataException($"checkpoint {path}: format version {Meta("gpugen.format")}, this build reads {FormatVersion}");
        string family = Meta("gpugen.family");
        if (expectedFamily is not null && family != expectedFamily)
            throw new InvalidDataException($"checkpoint {path}: holds a '{family}' model, expected '{expectedFamily}'");
        if (!long.TryParse(Meta("gpugen.step"), NumberStyles.None, CultureInfo.InvariantCulture, out long step))
            throw new InvalidDataException($"checkpoint {path}: step '{Meta("gpugen.step")}' is not a number");
        return new CheckpointFile(path, file, family, Meta("gpugen.config"), step);
    }

    /// <summary>
    /// Refuses to continue training from an exported weights-only file (<see cref="CheckpointExport"/>):
    /// without Adam's moments and the EMA counter the run would not continue as it would have.
    /// </summary>
    public static void EnsureResumable(string path)
    {
        var checkpoint = Open(path, expectedFamily: null);
        if (checkpoint.WeightsOnly)
            throw new InvalidDataException($"checkpoint {path}: holds exported float16 weights without optimizer state; "
                + "resume from a training checkpoint (the run's model.safetensors or step-K.safetensors), or start a new run from these weights with --init");
    }

    /// <summary>
    /// Opens the checkpoint at <paramref name="path"/>, which must hold one of <paramref name="families"/>,
    /// makes a run from it with <paramref name="create"/> and copies the stored state into
    /// <paramref name="state"/>(run); a run whose restore fails is disposed before the error goes on.
    /// </summary>
    public static T Load<T>(string path, IReadOnlyList<string> families, Func<CheckpointFile, T> create, Func<T, StateDict> state) where T : IDisposable
    {
        var checkpoint = Open(path, families.Count == 1 ? families[0] : null);
        if (!families.Contains(checkpoint.Family))
            throw new InvalidDataException($"checkpoint {path}: holds a '{checkpoint.Family}' model, expected {string.Join(" or ", families)}");
        var run = create(checkpoint);
        try
        {
            Restore(checkpoint, state(run));
        }
        catch
        {
            run.Dispose();
            throw;
        }
        return run;
    }

    /// <summary>
    /// Copies the stored tensors and counters into live state. Weights must be there; a buffer missing
    /// from an older file keeps its current value; an exported weights-only file has no Adam moments
    /// (they stay zero) and its weights are the EMA's (the average starts from them).
    /// </summary>
    public static void Restore(CheckpointFile checkpoint, StateDict state)
    {
        foreach (var entry in state.Entries)
        {
            bool stored = checkpoint.File.TryGetTensor(entry.Name, out _);
            switch (entry.Kind)
            {
                case StateKind.Buffer when !stored:
                case StateKind.Moment when checkpoint.WeightsOnly:
                    break;
                case StateKind.Average when !stored:
                    Load(checkpoint, entry.Weight, entry.Tensor);
                    break;
                default:
                    Load(checkpoint, entry.Name, entry.Tensor);
                    break;
            }
        }
        state.RestoreCounters(checkpoint);
    }

    /// <summary>Restores <paramref name="model"/> with its optimizer and EMA (see <see cref="StateDict"/>).</summary>
    public static void Restore(CheckpointFile checkpoint, Module model, Adam? optimizer = null, Ema? ema = null) =>
        Restore(checkpoint, new StateDict(model).WithEma(ema).WithOptimizer(optimizer));

    private static void Load(CheckpointFile checkpoint, string name, Tensor target)
    {
        if (!checkpoint.File.TryGetTensor(name, out var stored))
            throw new InvalidDataException($"checkpoint {checkpoint.Path}: has no tensor '{name}'");
        if (!Shape.Equal(stored.Shape, target.Dims))
            throw new InvalidDataException($"checkpoint {checkpoint.Path}: tensor '{name}' has shape {Shape.Format(stored.Shape)}, the model needs {Shape.Format(target.Dims)}");
        target.CopyFrom(stored.AsFloat32());
    }
}
