namespace GpuGen.Viewer.Training;

/// <summary>
/// A training window's copy of a monitor's curves, raw and smoothed (exponential moving average,
/// weight 0.02 on the newest value), taken in frame by frame on the render thread.
/// </summary>
public sealed class CurveHistory
{
    private readonly double[] ema;

    public CurveHistory(int curves)
    {
        Raw = new List<float>[curves];
        Smooth = new List<float>[curves];
        ema = new double[curves];
        for (int k = 0; k < curves; k++)
        {
            Raw[k] = new List<float>();
            Smooth[k] = new List<float>();
            ema[k] = double.NaN;
        }
    }

    public List<float>[] Raw { get; }

    public List<float>[] Smooth { get; }

    /// <summary>Steps taken in so far.</summary>
    public int Count => Raw[0].Count;

    /// <summary>Takes in what <paramref name="monitor"/> recorded since the last call; true when anything came.</summary>
    public bool TakeIn<TFrame>(CurveMonitor<TFrame> monitor) where TFrame : class
    {
        bool changed = false;
        for (int k = 0; k < Raw.Length; k++)
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
