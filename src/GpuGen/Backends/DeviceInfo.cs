namespace GpuGen.Backends;

/// <summary>What `gpugen devices` prints about one device.</summary>
public sealed record DeviceInfo(
    string Name,
    string Kind,
    string Driver,
    int ComputeUnits,
    long MemoryBytes,
    int MaxWorkGroupSize,
    string Details);
