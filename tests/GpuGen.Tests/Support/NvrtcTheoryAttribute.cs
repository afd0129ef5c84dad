using GpuGen.Backends.Cuda;

namespace GpuGen.Tests.Support;

/// <summary>A theory that needs NVRTC (not a GPU): skipped with the reason when no libnvrtc is installed.</summary>
public sealed class NvrtcTheoryAttribute : TheoryAttribute
{
    public override string? Skip
    {
        get => Nvrtc.Find() is null
            ? $"no NVRTC on this machine ({string.Join(", ", Nvrtc.Candidates)} not found; ./test installs Debian's libnvrtc11.2 from non-free)"
            : null;
        set { }
    }
}
