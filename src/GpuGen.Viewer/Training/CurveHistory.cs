namespace GpuGen.Viewer.Training;

/// <summary>
/// A training window's copy of a monitor's curves, raw and smoothed (exponential moving average,
/// weight 0.02 on the newest value), taken in frame by frame on the render thread.
/// </summary>
public sealed class CurveHistory
{
    private double[] ema = [];

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
            ema = Enumerable.Repeat(double.NaN, curves).ToArray();
        }
        bool changed = false;
        for (int k = 0; k < curves; k++)
        {
            int before = Raw[k].Count;
            monitor.CopyCurve(k, before, Raw[k]);
            for (int i = before; i < Raw[k].Count; i++)
            {
                ema[k] = double.IsNaN(ema[k]) ? Raw[k][i] : 0.98 * ema[k] + 0.02 * Raw[k][i];
                Smooth[k].Add((float)ema[k]);
            }
            changed |= Raw[k].Count != before;
        }
        return changed;
    }
}
