using GpuGen.Viewer;

namespace GpuGen.Tests.Viewer;

/// <summary>The key state machine and the newest-wins queue, without a window.</summary>
public sealed class ViewerControlsTests
{
    [Fact]
    public void ScrubbingMovesAlongTheComputedChainWithoutSteppingTheSampler()
    {
        var c = new ViewerControls(seed: 1, sampler: "ddim");
        c.SetComputed(6); // x_T and 5 finished steps: states 0 … 5
        Assert.Null(c.State.Scrub);

        var back = c.Press(ViewerKey.Left);
        Assert.Equal((true, (int?)4), (back.Paused, back.Scrub)); // one before the newest, the sampler paused
        Assert.Equal(3, c.Press(ViewerKey.Left).Scrub);
        Assert.Equal(0, c.Press(ViewerKey.Home).Scrub);
        Assert.Equal(0, c.Press(ViewerKey.Left).Scrub); // x_T is as far back as the chain goes
        Assert.Equal(1, c.Press(ViewerKey.Right).Scrub);
        Assert.False(c.TryTakeStep()); // → while scrubbing moves the view, not the sampler
        for (int i = 0; i < 3; i++) c.Press(ViewerKey.Right);
        Assert.Equal(4, c.State.Scrub);
        Assert.Null(c.Press(ViewerKey.Right).Scrub); // reached the newest: live again, still paused
        Assert.True(c.State.Paused);
        c.Press(ViewerKey.Right); // the positive control: → at the newest, paused, takes a step
        Assert.True(c.TryTakeStep());

        c.Press(ViewerKey.Home);
        c.SetComputed(3); // a shorter chain (restarted meanwhile): the position is pulled back inside it
        c.Press(ViewerKey.End);
        Assert.Null(c.State.Scrub);
        c.Press(ViewerKey.Left);
        c.SetComputed(2);
        Assert.Equal(1, c.State.Scrub);
        Assert.Null(c.Press(ViewerKey.R).Scrub); // a new chain shows live
        c.Press(ViewerKey.Left);
        var resumed = c.Press(ViewerKey.Space);
        Assert.Equal((false, (int?)null), (resumed.Paused, resumed.Scrub));
        Assert.Equal([ViewerKey.Left, ViewerKey.Home, ViewerKey.End], new[] { ViewerKeys.GlfwLeft, ViewerKeys.GlfwHome, ViewerKeys.GlfwEnd }.Select(k => ViewerKeys.FromGlfw(k, 0)!.Value));
    }

    [Fact]
    public void KeysDriveTheState()
    {
        var c = new ViewerControls(seed: 7, sampler: "ddpm", classes: 3, guidance: 1f);
        var s0 = c.State;
        Assert.False(s0.Paused);

        Assert.False(c.TryTakeStep());
        c.Press(ViewerKey.Right); // ignored while running
        Assert.False(c.TryTakeStep());
        Assert.True(c.Press(ViewerKey.Space).Paused);
        c.Press(ViewerKey.Right);
        c.Press(ViewerKey.Right);
        Assert.True(c.TryTakeStep());
        Assert.True(c.TryTakeStep());
        Assert.False(c.TryTakeStep());
        Assert.False(c.Press(ViewerKey.Space).Paused);

        var r = c.Press(ViewerKey.R);
        Assert.Equal((8UL, s0.Generation + 1), (r.Seed, r.Generation));
        var d = c.Press(ViewerKey.D);
        Assert.Equal(("ddim", r.Generation + 1), (d.Sampler, d.Generation));
        Assert.Equal("ddpm", c.Press(ViewerKey.D).Sampler);

        Assert.Equal([0, 1, 2, -1, 0], Enumerable.Range(0, 5).Select(_ => c.Press(ViewerKey.C).ClassIndex).ToArray());
        Assert.Equal(1.5f, c.Press(ViewerKey.GuidanceUp).Guidance);
        Assert.Equal(1.0f, c.Press(ViewerKey.GuidanceDown).Guidance);
        for (int i = 0; i < 5; i++) c.Press(ViewerKey.GuidanceDown);
        Assert.Equal(0f, c.State.Guidance);

        int top = ViewerState.Speeds.Length - 1;
        Assert.Equal(top, c.State.SpeedLevel);
        Assert.Equal(top, c.Press(ViewerKey.Faster).SpeedLevel);
        Assert.Equal(top - 1, c.Press(ViewerKey.Slower).SpeedLevel);
        Assert.Equal(top - 2, c.Press(ViewerKey.Slower).SpeedLevel);
        Assert.True(double.IsFinite(c.State.StepsPerSecondCap));

        Assert.False(c.TryTakeSave());
        c.Press(ViewerKey.S);
        Assert.True(c.TryTakeSave());
        Assert.False(c.TryTakeSave());
        Assert.False(c.State.Quit);
        Assert.True(c.Press(ViewerKey.Escape).Quit);
    }

    [Fact]
    public void UnconditionalModelsIgnoreClassAndGuidanceKeys()
    {
        var c = new ViewerControls();
        var before = c.State;
        c.Press(ViewerKey.C);
        c.Press(ViewerKey.GuidanceUp);
        Assert.Equal(before, c.State);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ViewerControls(classes: 0, classIndex: 2));
        Assert.Throws<ArgumentException>(() => new ViewerControls(sampler: "euler"));
    }

    [Theory]
    [InlineData(32, 0, ViewerKey.Space)]
    [InlineData(262, 0, ViewerKey.Right)]
    [InlineData(82, 0, ViewerKey.R)]
    [InlineData(68, 0, ViewerKey.D)]
    [InlineData(67, 0, ViewerKey.C)]
    [InlineData(71, 0, ViewerKey.GuidanceDown)]
    [InlineData(71, 1, ViewerKey.GuidanceUp)]
    [InlineData(61, 1, ViewerKey.Faster)]
    [InlineData(334, 0, ViewerKey.Faster)]
    [InlineData(45, 0, ViewerKey.Slower)]
    [InlineData(83, 0, ViewerKey.S)]
    [InlineData(256, 0, ViewerKey.Escape)]
    public void GlfwKeysMap(int key, int mods, ViewerKey expected) => Assert.Equal(expected, ViewerKeys.FromGlfw(key, mods));

    [Fact]
    public void UnknownKeysAreIgnored() => Assert.Null(ViewerKeys.FromGlfw(65, 0));

    [Fact]
    public void NewestFrameWins()
    {
        var q = new FrameQueue<string>(capacity: 2);
        Assert.False(q.TryTake(out _));
        foreach (var s in new[] { "a", "b", "c", "d" }) Assert.True(q.Post(s));
        Assert.True(q.TryTake(out var got));
        Assert.Equal("d", got);
        Assert.False(q.TryTake(out _));
        Assert.Equal((4L, 3L), (q.Posted, q.Dropped));
        q.Close();
        Assert.False(q.Post("e"));
    }

    [Fact]
    public void LosslessQueueMakesTheProducerWait()
    {
        var q = new FrameQueue<string>(capacity: 1, lossless: true);
        var posted = new List<string>();
        var producer = new Thread(() =>
        {
            for (int i = 0; i < 5; i++)
            {
                q.Post(i.ToString());
                lock (posted) posted.Add(i.ToString());
            }
        });
        producer.Start();
        Thread.Sleep(50);
        lock (posted) Assert.Single(posted); // the second Post waits for room
        var seen = new List<string>();
        while (seen.Count < 5)
            if (q.TryTake(out var s, TimeSpan.FromSeconds(5))) seen.Add(s);
        producer.Join();
        Assert.Equal(["0", "1", "2", "3", "4"], seen);
        Assert.Equal(0, q.Dropped);
    }
}
