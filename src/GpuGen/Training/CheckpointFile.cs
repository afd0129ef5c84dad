using GpuGen.IO;

namespace GpuGen.Training;

/// <summary>A validated checkpoint: the safetensors content plus the GpuGen metadata it must carry.</summary>
public sealed record CheckpointFile(string Path, SafeTensorsFile File, string Family, string ConfigJson, long Step)
{
    /// <summary>True for a file written by <see cref="CheckpointExport"/>: weights and buffers, no optimizer state.</summary>
    public bool WeightsOnly => File.Metadata.ContainsKey(CheckpointExport.WeightsKey);
}
