using GpuGen.Viewer;

namespace GpuGen.Tests.Viewer;

/// <summary>The frame pacer on a simulated clock: the floor of frames/s holds on average when every frame starts late.</summary>
public class FramePacerTests
{
    /// <summary>Frames/s of a window with nothing new to show that wakes <paramref name="lateBy"/> seconds after each due time.</summary>
    private static (double FramesPerSecond, double ShortestGap) FloorOnly(double lateBy, int frames, double stallAt = -1) =>
        FloorOnly(_ => lateBy, frames, stallAt);

    private static (double FramesPerSecond, double ShortestGap) FloorOnly(Func<int, double> lateBy, int frames, double stallAt = -1)
    {
        var pacer = new FramePacer(maxFramesPerSecond: 60, displayShare: 0.08, minFramesPerSecond: 30);
        double t = 0, first = 0, last = 0, shortest = double.PositiveInfinity;
        for (int i = 0; i < frames; i++)
        {
            t = Math.Max(t, pacer.FloorDueAt) + lateBy(i);
            if (i == (int)stallAt) t += 1.0;   // the window did not get the CPU for a second
            if (i > 0) shortest = Math.Min(shortest, t - last);
            else first = t;
            pacer.Draw(t, () => { });
            last = t;
        }
        return ((frames - 1) / (last - first), shortest);
    }

    [Fact]
    public void TheFloorHoldsOnAverageWhenEveryFrameStartsLate()
    {
        // 4 ms late each time, the floor's timeline absorbs it: 30 frames/s or more (counting each interval from the late start: 1 / (33.3 + 4 ms) = 26.8).
        var (fps, gap) = FloorOnly(lateBy: 0.004, frames: 300);
        Assert.InRange(fps, 30, 30 / FramePacer.FloorMargin + 0.01);
        Assert.True(gap >= 1 / 60.0 - 1e-9, $"frames {gap * 1e3:F1} ms apart, closer than the 60 frames/s cap");
        // Positive control: later than a whole interval every time, no pacer can keep 30 a second, and the measure shows it.
        Assert.InRange(FloorOnly(lateBy: 0.05, frames: 100).FramesPerSecond, 10, 25);
    }

    [Fact]
    public void AFrameLaterThanTheCapAllowsIsMadeUpByTheNextOnes()
    {
        // Every fifth frame starts 25 ms late (the CPU was busy), more than the 16.7 ms the cap leaves to make up in one frame.
        var (fps, gap) = FloorOnly(i => i % 5 == 0 ? 0.025 : 0.001, frames: 301);
        Assert.InRange(fps, 30, 30 / FramePacer.FloorMargin + 0.01);
        Assert.True(gap >= 1 / 60.0 - 1e-9, $"frames {gap * 1e3:F1} ms apart, closer than the cap");
    }

    [Fact]
    public void AfterAStallTheFloorCatchesUpWithoutABurst()
    {
        var (fps, gap) = FloorOnly(lateBy: 0.002, frames: 200, stallAt: 100);
        Assert.True(gap >= 1 / 60.0 - 1e-9, $"frames {gap * 1e3:F1} ms apart after the stall, closer than the cap");
        Assert.InRange(fps, 25, 30);   // one lost second, not made up: 199 frames in ~7.5 s
    }
}
