using GpuGen.Training;

namespace GpuGen.Viewer.Training;

/// <summary>
/// A training window's copy of a monitor's curves, raw and smoothed (<see cref="SmoothedValue"/>, as
/// the progress line smooths them), taken in frame by frame on the render thread.
/// </summary>
public sealed class CurveHistory
{
    private SmoothedValue[] averages = [];

    public List<float>[] Raw { get; private set; } = [];

    public List<float>[] Smooth { get; private set; } = [];

    /// <summary>Steps taken in so far.</summary>
    public int Count => Raw.Length == 0 ? 0 : Raw[0].Count;

    /// <summary>Takes in what <paramref name="monitor"/> recorded since the last call; true when anything came.</summary>
    public bool TakeIn(TrainingMonitor monitor)
    {
        int curves = monitor.Series.Count;
        if (Raw.Length != curves)
        {
            Raw = Enumerable.Range(0, curves).Select(_ => new List<float>()).ToArray();
            Smooth = Enumerable.Range(0, curves).Select(_ => new List<float>()).ToArray();
            averages = new SmoothedValue[curves];
        }
        bool changed = false;
        for (int k = 0; k < curves; k++)
        {
            int before = Raw[k].Count;
            monitor.CopyCurve(k, before, Raw[k]);
            for (int i = before; i < Raw[k].Count; i++)
            {
                Smooth[k].Add((float)averages[k].Add(Raw[k][i]));
            }
            changed |= Raw[k].Count != before;
        }
        return changed;
    }
}
