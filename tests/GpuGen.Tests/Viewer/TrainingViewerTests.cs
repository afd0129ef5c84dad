using GpuGen.Viewer;
using GpuGen.Viewer.Rendering;
using GpuGen.Viewer.Training;

namespace GpuGen.Tests.Viewer;

/// <summary>
/// The training window draws when the training thread has news (and on the status tick), not
/// continuously: a training loop that goes quiet costs no frames beyond the tick, and each piece
/// of news spaced wider than the frame cap is drawn. The loop's result and exception come back.
/// </summary>
[Collection("OpenGL")]
public sealed class TrainingViewerTests
{
    [HeadlessFact]
    public void DrawsWhenTrainingHasNewsAndOnTheTickOnly()
    {
        using var surface = ViewerSurface.Open(320, 200, headless: true);
        var scene = new CountingScene();
        int news = 8;
        int quietDraws = -1;
        var (result, frames) = TrainingViewer.Run(surface, scene, () =>
        {
            Thread.Sleep(300);
            int before = scene.Draws;
            Thread.Sleep(1200); // quiet: only the status tick (every 0.5 s) draws
            quietDraws = scene.Draws - before;
            for (int i = 0; i < news; i++)
            {
                Interlocked.Increment(ref scene.Posted);
                Thread.Sleep(120); // wider than the 30 frames/s cap and the rest after a frame
            }
            return 42;
        }, maxFramesPerSecond: 30, displayShare: 1, minFramesPerSecond: 0); // no rest after a frame: a slow frame on a busy machine must not merge news; no floor: draws on news only
        Assert.Equal(42, result);
        Assert.Equal(scene.Draws - 1, frames.Count); // every frame of the loop, not the last one drawn after training ended
        Assert.InRange(quietDraws, 1, 4);
        Assert.True(scene.DrawnNews >= news - 1, $"{scene.DrawnNews} of {news} pieces of news drawn");
        Assert.True(scene.Draws <= 1 + 4 + news + 4, $"{scene.Draws} frames drawn for {news} pieces of news over ~2.5 s");
    }

    [HeadlessFact]
    public void TheTrainingLoopsExceptionComesBack()
    {
        using var surface = ViewerSurface.Open(160, 120, headless: true);
        var e = Assert.Throws<InvalidDataException>(() => TrainingViewer.Run<int>(surface, new CountingScene(), () => throw new InvalidDataException("bad batch")));
        Assert.Equal("bad batch", e.Message);
    }

    /// <summary>A scene whose news is a counter the "training" bumps; counts what it draws.</summary>
    private sealed class CountingScene : ITrainingScene
    {
        public int Posted;
        private int taken;

        public int Draws { get; private set; }

        /// <summary>Frames drawn right after news was taken in.</summary>
        public int DrawnNews { get; private set; }

        private bool pending;

        public bool Update()
        {
            int now = Volatile.Read(ref Posted);
            if (now == taken) return false;
            taken = now;
            pending = true;
            return true;
        }

        public void Draw(Renderer r, RectF area, double fps)
        {
            r.FillRect(new RectF(area.X, area.Y, 10, 10), Color.Orange);
            Draws++;
            if (pending) DrawnNews++;
            pending = false;
        }

        public void Dispose()
        {
        }
    }
}
