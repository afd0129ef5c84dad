using GpuGen.Models;

namespace GpuGen.Cli;

/// <summary>One <see cref="ProgressBar"/> per stage of an evaluation: a new stage closes the bar of the one before.</summary>
internal sealed class StageProgress : IDisposable
{
    private ProgressBar? bar;
    private string? stage;

    public void Report(EvalProgress p)
    {
        if (p.Stage != stage)
        {
            bar?.Dispose();
            bar = new ProgressBar(p.Stage, p.Total);
            stage = p.Stage;
        }
        bar!.Report(p.Done, p.Status, p.Total > 0 ? (double)p.Done / p.Total : null);
    }

    public void Dispose()
    {
        bar?.Dispose();
        bar = null;
        stage = null;
    }
}
