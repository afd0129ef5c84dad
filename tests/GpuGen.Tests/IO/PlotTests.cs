using GpuGen.IO;
using GpuGen.Pictures;

namespace GpuGen.Tests.IO;

using Random = System.Random;   // GpuGen.Random (Philox) is a namespace

public sealed class PlotTests
{
    static Rgb PixelAt(Image image, int x, int y)
    {
        int i = (y * image.Width + x) * image.Channels;
        return new Rgb(image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]);
    }

    [Theory]
    [InlineData(512, 512)]
    [InlineData(300, 200)]
    [InlineData(97, 640)]
    public void PlotsHaveTheRequestedSize(int width, int height)
    {
        var rng = new Random(width + height);
        var xy = Enumerable.Range(0, 200).Select(_ => (float)rng.NextDouble()).ToArray();
        var scatter = Plot.Scatter([new ScatterSeries(xy, Rgb.Blue)], width, height, "title");
        Assert.Equal((width, height, 3), (scatter.Width, scatter.Height, scatter.Channels));
        var loss = Plot.LossCurve(xy, width, height, "loss", logY: true, smoothing: 10);
        Assert.Equal((width, height, 3), (loss.Width, loss.Height, loss.Channels));
    }

    [Fact]
    public void ScatterPointLandsOnTheExpectedPixel()
    {
        var bounds = new PlotBounds(-2, 2, -1, 3);
        var series = new ScatterSeries([0.5f, 2.25f], Rgb.Red, Radius: 3, Opacity: 1);
        var image = Plot.Scatter([series], 400, 300, "one point", bounds);
        var axes = Plot.ScatterAxes([series], 400, 300, "one point", bounds, equalAspect: true);

        // Independent of the axes object: x = 0.5 lies 5/8 across the area, y = 2.25 is 3/16 down.
        var a = axes.Area;
        float fx = a.X + 0.625f * a.W, fy = a.Y + 0.1875f * a.H;
        Assert.Equal(fx, axes.PixelX(0.5), 3);
        Assert.Equal(fy, axes.PixelY(2.25), 3);
        Assert.Equal(Rgb.Red, PixelAt(image, (int)fx, (int)fy));
        Assert.NotEqual(Rgb.Red, PixelAt(image, (int)fx + 6, (int)fy));
        Assert.NotEqual(Rgb.Red, PixelAt(image, (int)fx, (int)fy - 6));

        // Data corners map to the plot area's corners; the frame sits just outside it.
        Assert.Equal(a.X, axes.PixelX(-2), 3);
        Assert.Equal(a.Bottom, axes.PixelY(-1), 3);
        Assert.Equal(Rgb.Ink, PixelAt(image, a.X - 1, a.Y + a.H / 2));
    }

    /// <summary>Pixels of exactly this colour.</summary>
    static int Count(Image image, Rgb colour)
    {
        int n = 0;
        for (int i = 0; i < image.Width * image.Height; i++)
            if (PixelAt(image, i % image.Width, i / image.Width) == colour) n++;
        return n;
    }

    [Fact]
    public void PointsOutsideFixedBoundsAreClipped()
    {
        var series = new ScatterSeries([5f, 0f], Rgb.Red, Radius: 6, Opacity: 1);
        var image = Plot.Scatter([series], 200, 200, null, PlotBounds.Square(1));
        Assert.Equal(0, Count(image, Rgb.Red));
        // Not a blank image either: the frame is drawn in ink, and the plot has several colours.
        Assert.True(Count(image, Rgb.Ink) > 4 * 100, $"only {Count(image, Rgb.Ink)} ink pixels: no frame drawn");
        Assert.True(image.Pixels.Chunk(3).Select(p => (p[0], p[1], p[2])).Distinct().Count() >= 2, "the plot is one colour");

        // The positive control: the same picture with the point inside the bounds does have red pixels,
        // a disc of radius 6 (about π·6² ≈ 113 pixels; at least the inscribed 8×8 square).
        var inside = Plot.Scatter([series with { Xy = [0.5f, 0f] }], 200, 200, null, PlotBounds.Square(1));
        Assert.InRange(Count(inside, Rgb.Red), 64, 2 * 113);
    }

    [Fact]
    public void AutoBoundsWithEqualAspectKeepCirclesRound()
    {
        var rng = new Random(4);
        var xy = new float[400];
        for (int i = 0; i < 200; i++)
        {
            double t = rng.NextDouble() * 2 * Math.PI;
            xy[2 * i] = (float)(3 * Math.Cos(t));
            xy[2 * i + 1] = (float)(3 * Math.Sin(t));
        }
        var axes = Plot.ScatterAxes([new ScatterSeries(xy, Rgb.Blue)], 600, 300, null, null, equalAspect: true);
        double pxPerUnitX = axes.Area.W / (axes.Bounds.XMax - axes.Bounds.XMin);
        double pxPerUnitY = axes.Area.H / (axes.Bounds.YMax - axes.Bounds.YMin);
        Assert.Equal(1, pxPerUnitX / pxPerUnitY, 2);
        Assert.True(axes.Bounds.YMin <= -3 && axes.Bounds.YMax >= 3 && axes.Bounds.XMin <= -3 && axes.Bounds.XMax >= 3);
    }

    [Fact]
    public void GridPlacesTilesRowByRowWithPadding()
    {
        // 5 grayscale 2x3 images, each a constant: -1, -0.5, 0, 0.5, 1 → 0, 64, 128, 191, 255.
        float[] values = [-1f, -0.5f, 0f, 0.5f, 1f];
        var chw = values.SelectMany(v => Enumerable.Repeat(v, 6)).ToArray();
        var grid = Grid.FromFloats(chw, 5, 1, 2, 3, PixelRange.MinusOneToOne, cols: 3, padding: 1, padColor: new Rgb(10, 20, 30));
        Assert.Equal((1 + 3 * 4, 1 + 2 * 3, 3), (grid.Width, grid.Height, grid.Channels));
        byte[] expected = [0, 64, 128, 191, 255];
        for (int n = 0; n < 5; n++)
        {
            int x0 = 1 + n % 3 * 4, y0 = 1 + n / 3 * 3;
            for (int y = 0; y < 2; y++)
                for (int x = 0; x < 3; x++)
                    Assert.Equal(new Rgb(expected[n], expected[n], expected[n]), PixelAt(grid, x0 + x, y0 + y));
            Assert.Equal(new Rgb(10, 20, 30), PixelAt(grid, x0 - 1, y0));   // padding left of each tile
        }
        Assert.Equal(new Rgb(10, 20, 30), PixelAt(grid, 9, 4));            // the empty sixth cell
    }

    [Fact]
    public void GridReadsRgbAsChwAndUpscales()
    {
        var rng = new Random(12);
        var chw = Enumerable.Range(0, 2 * 3 * 4 * 5).Select(_ => (float)rng.NextDouble()).ToArray();
        var grid = Grid.FromFloats(chw, 2, 3, 4, 5, PixelRange.ZeroToOne, rows: 1, padding: 2, scale: 3);
        Assert.Equal((2 + 2 * (15 + 2), 2 + 12 + 2), (grid.Width, grid.Height));
        for (int n = 0; n < 2; n++)
            for (int y = 0; y < 12; y++)
                for (int x = 0; x < 15; x++)
                {
                    var p = PixelAt(grid, 2 + n * 17 + x, 2 + y);
                    int s = (y / 3) * 5 + x / 3;
                    byte Expect(int c) => (byte)Math.Round(chw[n * 60 + c * 20 + s] * 255, MidpointRounding.AwayFromZero);
                    Assert.Equal(new Rgb(Expect(0), Expect(1), Expect(2)), p);
                }
    }

    [Fact]
    public void GridArrangement()
    {
        Assert.Equal((4, 4), Grid.Arrange(16, 0, 0));
        Assert.Equal((3, 4), Grid.Arrange(10, 0, 0));
        Assert.Equal((2, 5), Grid.Arrange(10, 2, 0));
        Assert.Equal((4, 3), Grid.Arrange(10, 0, 3));
        Assert.Throws<ArgumentException>(() => Grid.Arrange(10, 3, 3));
        Assert.Throws<ArgumentException>(() => Grid.FromFloats(new float[11], 2, 1, 2, 3));
    }

    [Fact]
    public void StripPlacesImagesLeftToRightWithLabels()
    {
        var rng = new Random(3);
        var images = Enumerable.Range(0, 4).Select(_ =>
        {
            var img = new Image(8, 8, 1);
            rng.NextBytes(img.Pixels);
            return img;
        }).ToList();
        string[] labels = ["t=999", "t=500", "t=100", "t=0"];
        var strip = Plot.Strip(images, labels, scale: 4, padding: 8, title: "reverse chain");
        Assert.Equal(3, strip.Channels);
        // Each cell is max(32 + 2 frame, label width) wide, the picture at least as wide as its title.
        int[] cells = labels.Select(l => Math.Max(34, GlyphAtlas.DejaVuSans.Width(l))).ToArray();
        Assert.Equal(Math.Max(8 + cells.Sum(c => c + 8), GlyphAtlas.DejaVuSansTitle.Width("reverse chain") + 16), strip.Width);
        Assert.True(strip.Height > 34 + 16);
        // The first image's top-left pixel, inside its 1-pixel frame, below the title; each image centred in its cell.
        int top = 8 + GlyphAtlas.DejaVuSansTitle.TextHeight + 8 + 1;   // padding, title, padding, frame
        byte g = images[0].Pixels[0];
        Assert.Equal(new Rgb(g, g, g), PixelAt(strip, 8 + (cells[0] - 34) / 2 + 1, top));
        byte g1 = images[1].Pixels[7];
        int second = 8 + cells[0] + 8 + (cells[1] - 34) / 2;
        Assert.Equal(new Rgb(g1, g1, g1), PixelAt(strip, second + 1 + 7 * 4 + 3, top + 3));
        // The title and the labels are drawn: dark pixels in the title's band and under each image.
        Assert.Contains(Enumerable.Range(0, strip.Width), x => Enumerable.Range(8, GlyphAtlas.DejaVuSansTitle.TextHeight).Any(y => PixelAt(strip, x, y).R < 128));
        int labelTop = top - 1 + 34 + 6;
        Assert.Contains(Enumerable.Range(0, cells[0] + 8), x => Enumerable.Range(labelTop, GlyphAtlas.DejaVuSans.TextHeight).Any(y => PixelAt(strip, x, y).R < 128));
    }

    [Fact]
    public void TickLabelsAreNiceNumbers()
    {
        Assert.Equal(["0", "2", "4", "6", "8", "10"], Axes.LinearTicks(-0.3, 10.2, 5).Select(t => t.Label));
        Assert.Equal(["-1.0", "-0.5", "0.0", "0.5", "1.0"], Axes.LinearTicks(-1, 1, 4).Select(t => t.Label));
        Assert.Equal(["0.001", "0.01", "0.1", "1", "10"], Axes.LogTicks(0.0009, 11).Select(t => t.Label));
    }

    /// <summary>
    /// Renders the README-style pictures; with GPUGEN_PLOT_SAMPLES=dir they are saved there as PNGs to
    /// look at (otherwise only encoded, which still exercises every drawing path).
    /// </summary>
    [Fact]
    public void SamplePictures()
    {
        string? dir = Environment.GetEnvironmentVariable("GPUGEN_PLOT_SAMPLES");
        var rng = new Random(42);
        double Gauss() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

        // Two moons: data in grey, "model samples" (noisier) in blue.
        float[] Moons(int n, double noise)
        {
            var xy = new float[2 * n];
            for (int i = 0; i < n; i++)
            {
                double t = rng.NextDouble() * Math.PI;
                bool upper = i % 2 == 0;
                double x = upper ? Math.Cos(t) : 1 - Math.Cos(t), y = upper ? Math.Sin(t) : 0.5 - Math.Sin(t);
                xy[2 * i] = (float)(x + noise * Gauss());
                xy[2 * i + 1] = (float)(y + noise * Gauss());
            }
            return xy;
        }
        var scatter = Plot.Scatter(
        [
            new ScatterSeries(Moons(4000, 0.05), Rgb.LightGrey, Radius: 2f, Opacity: 0.5f, Label: "data"),
            new ScatterSeries(Moons(1000, 0.09), Rgb.Blue, Radius: 2.2f, Opacity: 0.7f, Label: "samples (DDPM, step 20000)"),
        ], 560, 420, "two moons: data vs samples");

        var losses = new float[3000];
        for (int i = 0; i < losses.Length; i++)
            losses[i] = (float)((0.05 + 0.9 * Math.Exp(-i / 400.0)) * Math.Exp(0.25 * Gauss()));
        var loss = Plot.LossCurve(losses, 640, 360, "training loss (MSE)", logY: true, smoothing: 50);
        var lossLinear = Plot.LossCurve(losses.AsSpan(0, 200), 400, 260, "first 200 steps");

        // Fashion-MNIST-like blobs in [-1, 1], and a fake reverse chain from noise to a ring.
        const int S = 28;
        var tiles = new float[16 * S * S];
        for (int n = 0; n < 16; n++)
            for (int y = 0; y < S; y++)
                for (int x = 0; x < S; x++)
                {
                    double r = Math.Sqrt((x - 14) * (x - 14) + (y - 14) * (y - 14));
                    tiles[n * S * S + y * S + x] = (float)Math.Clamp(Math.Cos(r / (2 + n % 5)) * 1.2 - 0.2 + 0.15 * Gauss(), -1, 1);
                }
        var grid = Grid.FromFloats(tiles, 16, 1, S, S, scale: 2);
        var chain = new List<Image>();
        var labels = new List<string>();
        foreach (int t in new[] { 1000, 750, 500, 250, 100, 0 })
        {
            var frame = new float[S * S];
            for (int i = 0; i < frame.Length; i++)
            {
                double r = Math.Sqrt(Math.Pow(i % S - 14, 2) + Math.Pow(i / S - 14, 2));
                double clean = Math.Abs(r - 8) < 3 ? 1 : -1, a = 1 - t / 1000.0;
                frame[i] = (float)Math.Clamp(a * clean + Math.Sqrt(1 - a * a) * Gauss(), -1, 1);
            }
            chain.Add(Grid.FromFloats(frame, 1, 1, S, S, padding: 0));
            labels.Add($"t={t}");
        }
        var strip = Plot.Strip(chain, labels, scale: 3, title: "reverse diffusion x_T ... x_0");

        var font = Plot.Strip([chain[^1]], ["0123456789 .,:;=+-*/()[]{}<>!?'\"#$%&@^_`|~\\ jumpy gray quick fox"],
            title: "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz");

        foreach (var (name, image) in new[] { ("scatter", scatter), ("loss", loss), ("loss_linear", lossLinear), ("grid", grid), ("strip", strip), ("font", font) })
        {
            var png = image.EncodePng();
            Assert.Equal(image.Pixels, Image.Decode(png, name).Pixels);
            if (dir is not null) image.SavePng(Path.Combine(dir, name + ".png"));
        }
    }
}
