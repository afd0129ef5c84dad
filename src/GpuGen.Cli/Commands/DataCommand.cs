using System.CommandLine;
using GpuGen.Data;
using GpuGen.IO;

namespace GpuGen.Cli.Commands;

/// <summary>`gpugen data TOY`: writes points of a toy distribution.</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("distribution") { Description = string.Join(", ", ToyData.Names) };
        var n = new Option<int>("--n", "-n") { Description = "number of points", DefaultValueFactory = _ => 1000 };
        var seed = CommonOptions.Seed();
        var npy = new Option<string?>("--npy") { Description = "write the points [n, 2] as a .npy file" };
        var png = new Option<string?>("--png") { Description = "write a scatter plot" };
        var json = CommonOptions.Json();
        var cmd = new Command("data", "write points of a 2-D toy distribution") { name, n, seed, npy, png, json };
        cmd.SetAction(r =>
        {
            string toy = r.GetValue(name)!;
            if (!ToyData.IsToy(toy)) throw new CliError($"unknown toy distribution '{toy}' (expected one of {string.Join(", ", ToyData.Names)})");
            int count = r.GetValue(n);
            CommonOptions.Positive(count, "--n");
            var points = ToyData.Sample(toy, count, r.GetValue(seed));
            if (r.GetValue(npy) is { } npyPath) Npy.Write(CommonOptions.OutputPath(npyPath, "--npy"), points, [count, 2]);
            if (r.GetValue(png) is { } pngPath)
                Plot.Scatter([new ScatterSeries(points, Rgb.Blue, 1.6f, 0.6f)], 512, 512, ToyData.Canonical(toy), Pictures.ToyBounds)
                    .SavePng(CommonOptions.OutputPath(pngPath, "--png"));
            double mx = 0, my = 0;
            for (int i = 0; i < count; i++) { mx += points[2 * i]; my += points[2 * i + 1]; }
            Console.WriteLine($"{count} points of {ToyData.Canonical(toy)} (seed {r.GetValue(seed)}), mean ({mx / count:F3}, {my / count:F3})");
            if (r.GetValue(json))
                Console.WriteLine(new JsonOut().Add("command", "data").Add("distribution", ToyData.Canonical(toy)).Add("n", count)
                    .Add("mean_x", mx / count).Add("mean_y", my / count).Add("npy", r.GetValue(npy)).Add("png", r.GetValue(png)));
            return 0;
        });
        return cmd;
    }
}
