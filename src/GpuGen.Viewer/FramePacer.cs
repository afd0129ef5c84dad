using System.Diagnostics;
using GpuGen.Backends.Cpu;

namespace GpuGen.Viewer;

/// <summary>
/// When a live window may draw its next frame, and the frames/s it shows: frames start at most
/// <c>maxFramesPerSecond</c> apart and, after a frame that took t seconds, not before t/share has
/// passed since it started (the display's share of the wall time), unless that would leave fewer
/// than <c>minFramesPerSecond</c>: the floor wins, so a window whose frames are cheap enough stays
/// fluid whatever the share (0 turns the floor off and lets the share alone decide). A status tick
/// comes twice a second (the status line's frames/s: frames presented over the last tick, not a
/// redraw rate). Frames are drawn on a core the CPU backend lends
/// (<see cref="CpuWorkers.LendCore"/>), so a frame never preempts a worker mid-launch.
/// </summary>
internal sealed class FramePacer(double maxFramesPerSecond, double displayShare, double minFramesPerSecond = 0)
{
    /// <summary>Seconds between status ticks.</summary>
    public const double TickSeconds = 0.5;

    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly double minFrame = maxFramesPerSecond > 0 ? 1 / maxFramesPerSecond : 0;
    private readonly double restFactor = displayShare is > 0 and < 1 ? 1 / displayShare - 1 : 0;
    private readonly double maxInterval = minFramesPerSecond > 0 ? 1 / minFramesPerSecond : double.PositiveInfinity;
    private double lastFrameAt = -1, rest, tickAt;
    private long framesAtTick;

    /// <summary>Seconds since the pacer started.</summary>
    public double Now => clock.Elapsed.TotalSeconds;

    /// <summary>Frames presented over the last tick.</summary>
    public double FramesPerSecond { get; private set; }

    public long Frames { get; private set; }

    /// <summary>Seconds spent drawing and presenting, over all frames.</summary>
    public double RenderSeconds { get; private set; }

    /// <summary>When the next frame may start (the cap, the rest after the last one, the floor).</summary>
    public double ReadyAt(double now) => lastFrameAt < 0 ? now : lastFrameAt + Math.Min(Math.Max(minFrame, rest), Math.Max(minFrame, maxInterval));

    /// <summary>When a frame is due even with nothing new to show, to keep the floor of frames/s (∞ without one).</summary>
    public double FloorDueAt => lastFrameAt < 0 ? 0 : lastFrameAt + maxInterval;

    /// <summary>When the status line is next due.</summary>
    public double TickDueAt => tickAt + TickSeconds;

    /// <summary>Draws a frame with <paramref name="render"/>, started at <paramref name="now"/>, and paces the next.</summary>
    public void Draw(double now, Action render)
    {
        if (now >= TickDueAt)
        {
            if (Frames > 0) FramesPerSecond = (Frames - framesAtTick) / Math.Max(1e-6, now - tickAt);
            tickAt = now;
            framesAtTick = Frames;
        }
        lastFrameAt = now;
        long t0 = Stopwatch.GetTimestamp();
        using (CpuBackend.LendCore()) render();
        double took = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        RenderSeconds += took;
        rest = took * (1 + restFactor);
        Frames++;
    }
}
