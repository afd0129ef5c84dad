using System.Globalization;
using GpuGen.IO;
using GpuGen.Nn;
using GpuGen.Optim;
using GpuGen.Tensors;

namespace GpuGen.Training;

/// <summary>
/// Checkpoints as safetensors files, readable by PyTorch's safetensors loader: model weights under
/// their module paths ("net.0.weight"), EMA weights as "ema.&lt;name&gt;", Adam's moments as
/// "optim.exp_avg.&lt;name&gt;" / "optim.exp_avg_sq.&lt;name&gt;", module buffers (BatchNorm's running
/// statistics) under their paths like weights, and string metadata with the model
/// family, its JSON config and the step. Written atomically: a crash never leaves a half file, and
/// an existing checkpoint is replaced only by a complete one.
/// </summary>
public static class Checkpoint
{
    public const string FormatVersion = "1";

    public static void Save(string path, string family, string configJson, long step, Module model, Adam? optimizer = null, Ema? ema = null)
    {
        var tensors = new List<SafeTensor>();
        var named = model.NamedParameters().ToArray();
        foreach (var (name, p) in named) tensors.Add(SafeTensor.Float32(name, p.ToArray(), p.Dims));
        foreach (var (name, b) in model.NamedBuffers()) tensors.Add(SafeTensor.Float32(name, b.ToArray(), b.Dims));
        if (ema is not null)
            for (int i = 0; i < named.Length; i++) tensors.Add(SafeTensor.Float32("ema." + named[i].Name, ema.Shadow[i].ToArray(), named[i].Tensor.Dims));
        if (optimizer is not null)
            for (int i = 0; i < named.Length; i++)
            {
                tensors.Add(SafeTensor.Float32("optim.exp_avg." + named[i].Name, optimizer.FirstMoments[i].ToArray(), named[i].Tensor.Dims));
                tensors.Add(SafeTensor.Float32("optim.exp_avg_sq." + named[i].Name, optimizer.SecondMoments[i].ToArray(), named[i].Tensor.Dims));
            }
        var metadata = new Dictionary<string, string>
        {
            ["gpugen.format"] = FormatVersion,
            ["gpugen.family"] = family,
            ["gpugen.config"] = configJson,
            ["gpugen.step"] = step.ToString(CultureInfo.InvariantCulture),
        };
        if (optimizer is not null) metadata["gpugen.optim.step"] = optimizer.StepCount.ToString(CultureInfo.InvariantCulture);
        if (ema is not null) metadata["gpugen.ema.updates"] = ema.Updates.ToString(CultureInfo.InvariantCulture);
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
        long optimStep = file.Metadata.TryGetValue("gpugen.optim.step", out var os) && long.TryParse(os, NumberStyles.None, CultureInfo.InvariantCulture, out long s) ? s : step;
        return new CheckpointFile(path, file, family, Meta("gpugen.config"), step, optimStep);
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
                + "resume from a training checkpoint (the run's model.safetensors or step-K.safetensors)");
    }

    /// <summary>
    /// Copies the stored weights and buffers (and EMA / optimizer state, when given and present) into
    /// live tensors. A buffer missing from an older file keeps its current value.
    /// </summary>
    public static void Restore(CheckpointFile checkpoint, Module model, Adam? optimizer = null, Ema? ema = null)
    {
        foreach (var (name, b) in model.NamedBuffers())
            if (checkpoint.File.TryGetTensor(name, out _)) Load(checkpoint, name, b);
        var named = model.NamedParameters().ToArray();
        for (int i = 0; i < named.Length; i++)
        {
            var (name, p) = named[i];
            Load(checkpoint, name, p);
            if (ema is not null) Load(checkpoint, checkpoint.File.TryGetTensor("ema." + name, out _) ? "ema." + name : name, ema.Shadow[i]);
            if (optimizer is not null && checkpoint.File.TryGetTensor("optim.exp_avg." + name, out _))
            {
                Load(checkpoint, "optim.exp_avg." + name, optimizer.FirstMoments[i]);
                Load(checkpoint, "optim.exp_avg_sq." + name, optimizer.SecondMoments[i]);
                optimizer.StepCount = checkpoint.OptimizerStep;
            }
        }
        // An exported file (weights only) keeps its step for the family's Step; Adam's moments start at zero.
        if (optimizer is not null && checkpoint.WeightsOnly) optimizer.StepCount = checkpoint.Step;
        if (ema is not null)
            ema.Updates = checkpoint.File.Metadata.TryGetValue("gpugen.ema.updates", out var u)
                && long.TryParse(u, NumberStyles.None, CultureInfo.InvariantCulture, out long updates) ? updates : checkpoint.Step;
    }

    private static void Load(CheckpointFile checkpoint, string name, Tensor target)
    {
        var stored = checkpoint.File[name];
        if (!Shape.Equal(stored.Shape, target.Dims))
            throw new InvalidDataException($"checkpoint {checkpoint.Path}: tensor '{name}' has shape {Shape.Format(stored.Shape)}, the model needs {Shape.Format(target.Dims)}");
        target.CopyFrom(stored.AsFloat32());
    }
}
