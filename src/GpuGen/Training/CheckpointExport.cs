using GpuGen.IO;

namespace GpuGen.Training;

/// <summary>
/// Shrinks a training checkpoint to what sampling and evaluation need: the weights (the EMA's when
/// the checkpoint has them) and module buffers, stored as float16, with the family, config and step
/// metadata kept. Adam's moments, the EMA's second copy and the optimizer/EMA counters are dropped,
/// so an exported file is about a quarter of an EMA + Adam checkpoint in float32 (2 bytes per weight
/// instead of 4 × 4) and cannot resume training bit for bit; <see cref="Checkpoint.EnsureResumable"/>
/// refuses it. Loading it gives float32 tensors (every half widens exactly). It works from the file
/// alone, without building the model: what is training state is decided by the names
/// <see cref="StateDict"/> gives it.
/// </summary>
public static class CheckpointExport
{
    /// <summary>Metadata key marking an exported weights-only file; its value says which weights it holds.</summary>
    public const string WeightsKey = "gpugen.weights";

    /// <summary>
    /// Writes <paramref name="destination"/> (atomically) from the checkpoint at <paramref name="source"/>;
    /// <paramref name="useEma"/> false exports the live weights even when an EMA is stored.
    /// Non-finite weights are refused: a model with NaN or Inf in it is not worth shipping.
    /// </summary>
    public static ExportSummary ToFloat16(string source, string destination, bool useEma = true)
    {
        var checkpoint = Checkpoint.Open(source, expectedFamily: null);
        var file = checkpoint.File;
        bool tookEma = false;
        var tensors = new List<SafeTensor>();
        long elements = 0;
        double maxError = 0;
        foreach (var t in file.Tensors)
        {
            if (StateDict.IsTrainingState(t.Name)) continue;
            var data = t.DType == SafeTensorDType.I32 ? null : t.AsFloat32();
            if (useEma && file.TryGetTensor(StateDict.EmaPrefix + t.Name, out var averaged))
            {
                data = averaged.AsFloat32();
                tookEma = true;
            }
            if (data is null)
            {
                tensors.Add(t);
                continue;
            }
            for (int i = 0; i < data.Length; i++)
            {
                if (!float.IsFinite(data[i]))
                    throw new InvalidDataException($"checkpoint {source}: tensor '{t.Name}' element {i} is {data[i]}; refusing to export a non-finite weight");
                maxError = Math.Max(maxError, Math.Abs((double)(float)(Half)data[i] - data[i]));
            }
            elements += data.Length;
            tensors.Add(SafeTensor.Float16(t.Name, data, t.Shape));
        }
        var metadata = file.Metadata
            .Where(kv => !StateDict.IsTrainingCounter(kv.Key))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        metadata[WeightsKey] = tookEma ? "ema" : "live";
        metadata["gpugen.dtype"] = "F16";
        Checkpoint.Write(destination, tensors, metadata);
        return new ExportSummary(checkpoint.Family, checkpoint.Step, tookEma, elements, new FileInfo(destination).Length,
            new FileInfo(source).Length, maxError);
    }
}
