namespace GpuGen.Bench.Parity;

/// <summary>
/// One launch of one <see cref="Backends.IKernels"/> method at one shape: <see cref="Run"/> uploads the
/// case's inputs (host arrays drawn once from a fixed seed, so both sides see the same numbers), launches
/// the kernel and returns every output it wrote. <see cref="Tolerance"/> bounds
/// max |device − reference| / max |reference| for each output.
/// </summary>
public sealed record ParityCase(string Kernel, string Shape, double Tolerance, Func<ParitySide, float[][]> Run);
