using System.Globalization;
using GpuGen.Models.Views;
using GpuGen.Viewer.Panels;
using GpuGen.Viewer.Rendering;
using GpuGen.Viewer.Stepping;

namespace GpuGen.Viewer.Latent;

/// <summary>
/// The latent-space window (VAE, CVAE, GAN): the decoded grid (left), where its latents lie on two
/// latent dims over the prior N(0, I) (right, top), and the walk's numbers and keys (right, bottom).
/// </summary>
public sealed class LatentScene : IChainScene<LatentFrame>, IDisposable
{
    private readonly LatentViewSpec spec;
    private readonly int dim1, dim2;
    private LatentFrame? frame;

    public LatentScene(LatentViewSpec spec, string title)
    {
        this.spec = spec;
        Title = title;
        dim1 = Math.Min(spec.Dim1, spec.Latent - 1);
        dim2 = spec.Latent > 1 ? Math.Min(spec.Dim2, spec.Latent - 1) : dim1;
        Grid = new SampleGridPanel { Low = spec.Low, High = spec.High, Title = GridTitle(spec) };
        Plane = new PointCloudPanel { Title = $"latents on dims ({dim1}, {dim2}) over N(0, I)", Bounds = (-3.5f, 3.5f), PointSize = 5, PointColor = Color.Orange.WithAlpha(0.9f), DataColor = Color.LightBlue.WithAlpha(0.5f) };
        var prior = new float[20_000];
        for (int i = 0; i < prior.Length; i += 4)
        {
            var (a, b, c, d) = Random.Philox.Gaussian4(7, 0, (ulong)(i / 4));
            (prior[i], prior[i + 1], prior[i + 2], prior[i + 3]) = (a, b, c, d);
        }
        Plane.SetData(prior);
    }

    public string Title { get; }

    public SampleGridPanel Grid { get; }

    public PointCloudPanel Plane { get; }

    public TextPanel Info { get; } = new() { Title = "status" };

    public LatentFrame? Frame => frame;

    public void Apply(LatentFrame f)
    {
        frame = f;
        int columns = spec.Layout switch { LatentLayout.Grid => spec.Side, LatentLayout.ClassRows => spec.Columns, _ => 0 };
        Grid.Update(f.Images, f.N, spec.Channels, spec.Height, spec.Width, columns);
        var xy = new float[f.N * 2];
        for (int i = 0; i < f.N; i++)
        {
            xy[2 * i] = f.Z[i * spec.Latent + dim1];
            xy[2 * i + 1] = f.Z[i * spec.Latent + dim2];
        }
        Plane.Update(xy);
    }

    public void Draw(Renderer r, RectF area, double fps, ViewerState? state)
    {
        var body = SceneHeader.Draw(r, area, Title, frame?.StepsPerSecond ?? 0, "steps", fps, state);
        var (left, right) = body.SplitLeft(0.6f);
        Grid.Draw(r, new RectF(left.X, left.Y, left.W - 4, left.H));
        var (planeArea, infoArea) = right.SplitTopFraction(0.6f);
        Plane.Draw(r, new RectF(planeArea.X, planeArea.Y, planeArea.W, planeArea.H - 4));
        Info.Show(r, infoArea, Lines(state));
    }

    private static string GridTitle(LatentViewSpec s) => s.Layout switch
    {
        LatentLayout.Grid => string.Create(CultureInfo.InvariantCulture, $"z{s.Dim1} → (columns), z{s.Dim2} ↑ (rows) over −{s.Extent} … {s.Extent}; other dims walking"),
        LatentLayout.ClassRows => $"one row per class (0 … {s.Classes - 1}); columns: one z path, shared",
        _ => "each image: z walking on a great circle",
    };

    private string[] Lines(ViewerState? state)
    {
        var f = frame;
        if (f is null) return ["waiting for the first decode …"];
        var c = CultureInfo.InvariantCulture;
        return
        [
            string.Create(c, $"step {f.StepsDone} / {f.StepCount}   θ = {f.Theta / Math.PI:F2}π   seed {f.Seed}"),
            "z(θ) = cos θ a + sin θ b,  a, b ~ N(0, I)",
            string.Create(c, $"{spec.Model}: latent {spec.Latent}, {f.N} images {spec.Channels}×{spec.Height}×{spec.Width}"),
            string.Create(c, $"speed {state?.SpeedText ?? "max"}"),
            "~space pause   → step   r new endpoints",
            "~← → scrub back and forth   Home first   End newest",
            "~+/− speed   s save PNG   esc quit",
        ];
    }

    public void Dispose()
    {
        Grid.Dispose();
        Plane.Dispose();
        Info.Dispose();
    }
}
