using System.Globalization;
using GpuGen.IO;
using GpuGen.Optim;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.Gan;

/// <summary>
/// A GAN checkpoint: the <see cref="Checkpoint"/> layout (weights and buffers under "g.…"/"d.…", the same
/// metadata, so <see cref="Checkpoint.Open"/> reads it) with one Adam per network, its moments under
/// "optim.g.exp_avg.&lt;name&gt;" etc. and its step as "gpugen.optim.g.step". Written atomically.
/// </summary>
public static class GanCheckpoint
{
    public static void Save(string path, string configJson, long step, GanNetworks nets, Adam optG, Adam optD)
    {
        var tensors = new List<SafeTensor>();
        foreach (var (name, p) in nets.NamedParameters()) tensors.Add(SafeTensor.Float32(name, p.ToArray(), p.Dims));
        foreach (var (name, b) in nets.NamedBuffers()) tensors.Add(SafeTensor.Float32(name, b.ToArray(), b.Dims));
        foreach (var (key, net, opt) in new[] { ("g", (Nn.Module)nets.G, optG), ("d", nets.D, optD) })
        {
            var named = net.NamedParameters(key + ".").ToArray();
            for (int i = 0; i < named.Length; i++)
            {
                tensors.Add(SafeTensor.Float32($"optim.{key}.exp_avg.{named[i].Name}", opt.FirstMoments[i].ToArray(), named[i].Tensor.Dims));
                tensors.Add(SafeTensor.Float32($"optim.{key}.exp_avg_sq.{named[i].Name}", opt.SecondMoments[i].ToArray(), named[i].Tensor.Dims));
            }
        }
        var metadata = new Dictionary<string, string>
        {
            ["gpugen.format"] = Checkpoint.FormatVersion,
            ["gpugen.family"] = Gan.Family,
            ["gpugen.config"] = configJson,
            ["gpugen.step"] = step.ToString(CultureInfo.InvariantCulture),
            ["gpugen.optim.g.step"] = optG.StepCount.ToString(CultureInfo.InvariantCulture),
            ["gpugen.optim.d.step"] = optD.StepCount.ToString(CultureInfo.InvariantCulture),
        };
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        SafeTensors.Write(path, tensors, metadata);
    }

    /// <summary>Copies weights, buffers and both optimizers' state from a checkpoint opened with <see cref="Checkpoint.Open"/>.</summary>
    public static void Restore(CheckpointFile checkpoint, GanNetworks nets, Adam optG, Adam optD)
    {
        Checkpoint.Restore(checkpoint, nets);
        if (checkpoint.WeightsOnly)
        {
            // An exported file: no optimizer state to restore; the step stays the one it was exported at.
            optG.StepCount = optD.StepCount = checkpoint.Step;
            return;
        }
        foreach (var (key, net, opt) in new[] { ("g", (Nn.Module)nets.G, optG), ("d", nets.D, optD) })
        {
            var named = net.NamedParameters(key + ".").ToArray();
            for (int i = 0; i < named.Length; i++)
            {
                Load(checkpoint, $"optim.{key}.exp_avg.{named[i].Name}", opt.FirstMoments[i]);
                Load(checkpoint, $"optim.{key}.exp_avg_sq.{named[i].Name}", opt.SecondMoments[i]);
            }
            string stepKey = $"gpugen.optim.{key}.step";
            opt.StepCount = checkpoint.File.Metadata.TryGetValue(stepKey, out var s) && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long v)
                ? v : throw new InvalidDataException($"checkpoint {checkpoint.Path}: metadata has no '{stepKey}'");
        }
    }

    private static void Load(CheckpointFile checkpoint, string name, Tensor target)
    {
        if (!checkpoint.File.TryGetTensor(name, out var stored))
            throw new InvalidDataException($"checkpoint {checkpoint.Path}: no tensor '{name}'");
        if (!Shape.Equal(stored.Shape, target.Dims))
            throw new InvalidDataException($"checkpoint {checkpoint.Path}: tensor '{name}' has shape {Shape.Format(stored.Shape)}, the model needs {Shape.Format(target.Dims)}");
        target.CopyFrom(stored.AsFloat32());
    }
}
