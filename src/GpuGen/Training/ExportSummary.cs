namespace GpuGen.Training;

/// <summary>What <see cref="CheckpointExport.ToFloat16"/> wrote: the weights kept, the bytes before and after, the largest rounding error.</summary>
public sealed record ExportSummary(string Family, long Step, bool Ema, long Weights, long Bytes, long SourceBytes, double MaxAbsError);
