namespace GpuGen.Training;

/// <summary>
/// One number a training step reports: its name on the progress line, its key in the run's JSON
/// summary, and how its curve is drawn. The first series of a run is its loss.
/// </summary>
/// <param name="Name">short label, e.g. "loss", "D loss"</param>
/// <param name="JsonKey">key of the mean of its last 100 values in the summary, e.g. "final_loss"</param>
/// <param name="Title">title of its curve in loss.png</param>
/// <param name="LogScale">draw the curve on a log axis (losses that fall by orders of magnitude)</param>
public sealed record TrainingSeries(string Name, string JsonKey, string Title, bool LogScale = false)
{
    /// <summary>The usual single series: a loss in some unit, summarised as "final_loss".</summary>
    public static TrainingSeries Loss(string title, bool logScale = false) => new("loss", "final_loss", title, logScale);
}
