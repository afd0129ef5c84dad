using System.Globalization;

namespace GpuGen.Viewer;

/// <summary>
/// What the sampling thread should be doing, as one consistent snapshot. ClassIndex −1 means image i
/// gets class i mod classes (otherwise every image gets that class); Generation is bumped whenever the
/// chain must start over (restart, sampler, class, guidance). Scrub is the step of the computed chain
/// the window shows instead of the newest (null: the newest, live).
/// </summary>
public sealed record ViewerState(bool Paused, ulong Seed, string Sampler, int ClassIndex, float Guidance, int SpeedLevel, int Generation, bool Quit)
{
    /// <summary>The step of the computed chain shown while scrubbing (0 = x_T), or null when the newest is shown.</summary>
    public int? Scrub { get; init; }

    /// <summary>Sampling steps per second at each speed level (the last is unthrottled).</summary>
    public static readonly double[] Speeds = [1, 2, 5, 10, 20, 50, 100, 200, double.PositiveInfinity];

    public double StepsPerSecondCap => Speeds[SpeedLevel];

    public string SpeedText => double.IsPositiveInfinity(StepsPerSecondCap) ? "max" : StepsPerSecondCap.ToString("0", CultureInfo.InvariantCulture) + "/s";
}

/// <summary>
/// The viewer's key handling as a state machine, separate from any window so tests drive it directly:
/// space pause/resume, → one step while paused, r restart with a new seed, d switch DDPM/DDIM,
/// c cycle the class (all → 0 → … → classes−1 → all), g/G guidance down/up by 0.5 (0 … 10),
/// +/− sampling speed, s save a screenshot, esc quit; ← scrubs back along the chain computed so far
/// (pausing the sampler), → forward again (and, once at the newest state, takes a step), Home
/// jumps to x_T, End (or space) back to the newest. Thread-safe: the render thread presses keys,
/// the sampling thread reads <see cref="State"/> and takes single steps. The render thread tells
/// how many states there are to scrub through with <see cref="SetComputed"/>.
/// </summary>
public sealed class ViewerControls
{
    private readonly object gate = new();
    private ViewerState state;
    private int pendingSteps;
    private int pendingSaves;
    private int computed = 1;

    public ViewerControls(ulong seed = 0, string sampler = "ddpm", int classes = 0, int classIndex = -1, float guidance = 1f, bool paused = false)
    {
        if (sampler is not ("ddpm" or "ddim")) throw new ArgumentException($"unknown sampler '{sampler}' (expected ddpm or ddim)");
        if (classIndex < -1 || (classes > 0 && classIndex >= classes) || (classes == 0 && classIndex != -1))
            throw new ArgumentOutOfRangeException(nameof(classIndex), classIndex, classes == 0 ? "the model is unconditional" : $"classes are 0 … {classes - 1}");
        Classes = classes;
        state = new ViewerState(paused, seed, sampler, classIndex, guidance, ViewerState.Speeds.Length - 1, 0, false);
    }

    public int Classes { get; }

    public ViewerState State
    {
        get
        {
            lock (gate) return state;
        }
    }

    /// <summary>Keys pressed so far (for the status line and tests).</summary>
    public int KeysHandled { get; private set; }

    /// <summary>Applies one key; returns the new state.</summary>
    public ViewerState Press(ViewerKey key)
    {
        lock (gate)
        {
            KeysHandled++;
            var s = state;
            state = key switch
            {
                ViewerKey.Space => s with { Paused = !s.Paused, Scrub = null },
                ViewerKey.Right when s.Scrub is { } k => s with { Scrub = k + 1 >= computed - 1 ? null : k + 1 },
                ViewerKey.Right => Step(s),
                ViewerKey.Left => s with { Paused = true, Scrub = Math.Max(0, (s.Scrub ?? computed - 1) - 1) },
                ViewerKey.Home => s with { Paused = true, Scrub = 0 },
                ViewerKey.End => s with { Scrub = null },
                ViewerKey.R => s with { Seed = s.Seed + 1, Generation = s.Generation + 1, Scrub = null },
                ViewerKey.D => s with { Sampler = s.Sampler == "ddpm" ? "ddim" : "ddpm", Generation = s.Generation + 1, Scrub = null },
                ViewerKey.C when Classes > 0 => s with { ClassIndex = s.ClassIndex + 1 >= Classes ? -1 : s.ClassIndex + 1, Generation = s.Generation + 1, Scrub = null },
                ViewerKey.GuidanceDown when Classes > 0 => s with { Guidance = Math.Max(0, s.Guidance - 0.5f), Generation = s.Generation + 1, Scrub = null },
                ViewerKey.GuidanceUp when Classes > 0 => s with { Guidance = Math.Min(10, s.Guidance + 0.5f), Generation = s.Generation + 1, Scrub = null },
                ViewerKey.Faster => s with { SpeedLevel = Math.Min(ViewerState.Speeds.Length - 1, s.SpeedLevel + 1) },
                ViewerKey.Slower => s with { SpeedLevel = Math.Max(0, s.SpeedLevel - 1) },
                ViewerKey.S => Save(s),
                ViewerKey.Escape => s with { Quit = true },
                _ => s,
            };
            return state;
        }
    }

    /// <summary>
    /// Called by the render thread: the computed chain now holds <paramref name="states"/> states
    /// (x_T and every finished step). A scrub position past them is pulled back to the last.
    /// </summary>
    public void SetComputed(int states)
    {
        lock (gate)
        {
            computed = Math.Max(1, states);
            if (state.Scrub is { } k && k > computed - 1) state = state with { Scrub = computed - 1 };
        }
    }

    /// <summary>Restarts the chain with the next seed (what r does; also used when a chain loops).</summary>
    public void Restart() => Press(ViewerKey.R);

    /// <summary>Called by the sampler while paused: true (once per → press) when it may take one step.</summary>
    public bool TryTakeStep()
    {
        lock (gate)
        {
            if (pendingSteps == 0) return false;
            pendingSteps--;
            return true;
        }
    }

    /// <summary>Called by the render thread: true (once per s press) when a screenshot is due.</summary>
    public bool TryTakeSave()
    {
        lock (gate)
        {
            if (pendingSaves == 0) return false;
            pendingSaves--;
            return true;
        }
    }

    private ViewerState Step(ViewerState s)
    {
        if (s.Paused) pendingSteps++;
        return s;
    }

    private ViewerState Save(ViewerState s)
    {
        pendingSaves++;
        return s;
    }
}
