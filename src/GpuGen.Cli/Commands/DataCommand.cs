using System.CommandLine;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Pictures;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen data SOURCE`: points of a 2-D toy distribution, or a look at an image dataset
/// (fashion-mnist, idx:DIR, folder:DIR): its summary, a grid of its first images, a .npy export.
/// </summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("source") { Description = $"a toy distribution ({string.Join(", ", ToyData.Names)}) or a dataset (fashion-mnist, idx:DIR, folder:DIR)" };
        var n = new Option<int>("--n", "-n") { Description = "number of points (toys) or images (datasets)", DefaultValueFactory = _ => 1000 };
        var seed = CommonOptions.Seed();
        var npy = new Option<string?>("--npy") { Description = "write the points [n, 2] or images [n, C, H, W] in [0, 1] as a .npy file" };
        var png = new Option<string?>("--grid", "--png") { Description = "write a scatter plot (toys) or an image grid (datasets)" };
        var split = new Option<string>("--split") { Description = "datasets: train or test", DefaultValueFactory = _ => "train" };
        split.AcceptOnlyFromAmong("train", "test");
        var size = new Option<int>("--size") { Description = "datasets: resize images to SIZE×SIZE (0: keep)", DefaultValueFactory = _ => 0 };
        var json = CommonOptions.Json();
        var cmd = new Command("data", "write points of a 2-D toy distribution, or inspect an image dataset") { name, n, seed, npy, png, split, size, json };
        cmd.SetAction(r =>
        {
            string source = r.GetValue(name)!;
            int count = r.GetValue(n);
            CommonOptions.Positive(count, "--n");
            return ToyData.IsToy(source)
                ? Toy(source, count, r.GetValue(seed), r.GetValue(npy), r.GetValue(png), r.GetValue(json))
                : Images(source, count, r.GetValue(split) == "test" ? DatasetSplit.Test : DatasetSplit.Train, r.GetValue(size), r.GetValue(npy), r.GetValue(png), r.GetValue(json));
        });
        return cmd;
    }

    private static int Toy(string toy, int count, ulong seed, string? npyPath, string? pngPath, bool json)
    {
        var points = ToyData.Sample(toy, count, seed);
        if (npyPath is not null) Npy.Write(CommonOptions.OutputPath(npyPath, "--npy"), points, [count, 2]);
        if (pngPath is not null)
            Plot.Scatter([new ScatterSeries(points, Rgb.Blue, 1.6f, 0.6f)], 512, 512, ToyData.Canonical(toy), ToyPictures.Frame)
                .SavePng(CommonOptions.OutputPath(pngPath, "--grid"));
        double mx = 0, my = 0;
        for (int i = 0; i < count; i++) { mx += points[2 * i]; my += points[2 * i + 1]; }
        Console.WriteLine($"{count} points of {ToyData.Canonical(toy)} (seed {seed}), mean ({mx / count:F3}, {my / count:F3})");
        if (json)
            Console.WriteLine(new JsonOut().Add("command", "data").Add("distribution", ToyData.Canonical(toy)).Add("n", count)
                .Add("mean_x", mx / count).Add("mean_y", my / count).Add("npy", npyPath).Add("png", pngPath));
        return 0;
    }

    private static int Images(string spec, int count, DatasetSplit split, int size, string? npyPath, string? pngPath, bool json)
    {
        if (!spec.Contains(':') && spec != "fashion-mnist")
            throw new CliError($"unknown data source '{spec}' (expected one of {string.Join(", ", ToyData.Names)}, fashion-mnist, idx:DIR or folder:DIR)");
        if (size < 0) throw new CliError($"--size must be 0 or positive, got {size}");
        var options = new DatasetOptions { Split = split, Height = size > 0 ? size : null, Width = size > 0 ? size : null };
        var dataset = Dataset.Open(spec, options);
        int shown = Math.Min(count, dataset.Count);
        var floats = new float[(long)shown * dataset.ExampleSize];
        var pixels = dataset.Pixels[..floats.Length];
        for (int i = 0; i < floats.Length; i++) floats[i] = pixels[i] / 255f;
        if (npyPath is not null) Npy.Write(CommonOptions.OutputPath(npyPath, "--npy"), floats, [shown, dataset.Channels, dataset.Height, dataset.Width]);
        if (pngPath is not null)
        {
            int tiles = Math.Min(shown, 256);
            Grid.FromFloats(floats.AsSpan(0, tiles * dataset.ExampleSize), tiles, dataset.Channels, dataset.Height, dataset.Width,
                PixelRange.ZeroToOne, scale: dataset.Height < 48 ? 2 : 1).SavePng(CommonOptions.OutputPath(pngPath, "--grid"));
        }
        Console.WriteLine(dataset.ToString());
        if (json)
            Console.WriteLine(new JsonOut().Add("command", "data").Add("dataset", dataset.Name).Add("count", dataset.Count)
                .Add("channels", dataset.Channels).Add("height", dataset.Height).Add("width", dataset.Width)
                .Add("classes", dataset.ClassNames.Count).Add("skipped", dataset.Skipped.Count).Add("npy", npyPath).Add("png", pngPath));
        return 0;
    }
}
