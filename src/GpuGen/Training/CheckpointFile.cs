using GpuGen.IO;

namespace GpuGen.Training;

/// <summary>A validated checkpoint: the safetensors content plus the GpuGen metadata it must carry.</summary>
public sealed record CheckpointFile(string Path, SafeTensorsFile File, string Family, string ConfigJson, long Step, long OptimizerStep);
