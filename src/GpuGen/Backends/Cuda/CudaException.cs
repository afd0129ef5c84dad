namespace GpuGen.Backends.Cuda;

/// <summary>A CUDA driver or NVRTC call that failed: names the call and the status, plus a log when one exists.</summary>
public sealed class CudaException : Exception
{
    internal CudaException(string call, int status, string? log = null)
        : base($"{call} failed with {Cu.Describe(status)}" + (string.IsNullOrEmpty(log) ? "" : "\n" + log))
    {
        Call = call;
        Status = status;
    }

    internal CudaException(string message) : base(message)
    {
        Call = "";
    }

    /// <summary>The native call that failed.</summary>
    public string Call { get; }

    /// <summary>Its CUresult / nvrtcResult.</summary>
    public int Status { get; }
}
