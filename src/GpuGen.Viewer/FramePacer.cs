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

    /// <summary>The floor's interval as a fraction of 1/floor.</summary>
    public const double FloorMargin = 0.98;

    /// <summary>How far behind its floor the window may fall and still make the frames up.</summary>
    public const double StallSeconds = 0.25;

    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly double minFrame = maxFramesPerSecond > 0 ? 1 / maxFramesPerSecond : 0;
    private readonly double restFactor = displayShare is > 0 and < 1 ? 1 / displayShare - 1 : 0;
    // A floor is a minimum: frames are due 2% sooner than 1/floor, so that the rate presented stays at or
    // above it through the timer's granularity (paced at exactly 1/30 s, a window on this machine
    // presented 29.99–30.10 frames/s).
    private readonly double maxInterval = minFramesPerSecond > 0 ? FloorMargin / minFramesPerSecond : double.PositiveInfinity;
    private double lastFrameAt = -1, firstFrameAt, rest, tickAt, floorDue;
    private long framesAtTick;

    /// <summary>Seconds since the pacer started.</summary>
    public double Now => clock.Elapsed.TotalSeconds;

    /// <summary>Frames presented over the last tick.</summary>
    public double FramesPerSecond { get; private set; }

    public long Frames { get; private set; }

    /// <summary>
    /// Frames/s over the time frames were being presented: from the first frame's start to the last's
    /// (the window's start-up before its first frame is not presentation).
    /// </summary>
    public double PresentedFramesPerSecond => Frames > 1 ? (Frames - 1) / Math.Max(1e-9, lastFrameAt - firstFrameAt) : 0;

    /// <summary>Seconds spent drawing and presenting, over all frames.</summary>
    public double RenderSeconds { get; private set; }

    /// <summary>When the next frame may start (the cap, the rest after the last one, the floor).</summary>
    public double ReadyAt(double now) => lastFrameAt < 0 ? now : Math.Min(lastFrameAt + Math.Max(minFrame, rest), FloorDueAt);

    /// <summary>
    /// When a frame is due even with nothing new to show, to keep the floor of frames/s (∞ without one).
    /// The floor keeps its own timeline: a frame that started late moves the next one's due time by one
    /// interval from when it was due, not from when it started, so waking-up delays on a busy machine do
    /// not add up and the floor holds on average; frames that make up a delay come no closer than the
    /// cap, and a stall of more than <see cref="StallSeconds"/> is not made up.
    /// </summary>
    public double FloorDueAt => lastFrameAt < 0 ? 0 : Math.Max(floorDue, lastFrameAt + minFrame);

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
        if (lastFrameAt < 0) firstFrameAt = now;
        // On time or late: the next is due an interval after this one was (a late frame's delay is made up
        // by the next ones, at most the cap apart, see FloorDueAt); early, or a stall of more than
        // StallSeconds behind: an interval from now, so a stalled window does not rush to catch up.
        floorDue = lastFrameAt < 0 || now < floorDue || now - floorDue > StallSeconds ? now + maxInterval : floorDue + maxInterval;
        lastFrameAt = now;
        long t0 = Stopwatch.GetTimestamp();
        using (CpuBackend.LendCore()) render();
        double took = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        RenderSeconds += took;
        rest = took * (1 + restFactor);
        Frames++;
    }
}
