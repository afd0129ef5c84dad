namespace GpuGen.Bench;

/// <summary>The tensors and modules a workload set up, disposed together when it ends.</summary>
internal sealed class Disposables(params IDisposable[] items) : IDisposable
{
    public void Dispose()
    {
        foreach (var item in items) item.Dispose();
    }
}
