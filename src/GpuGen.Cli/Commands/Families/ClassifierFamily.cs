using System.CommandLine;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Models.Classifier;
using GpuGen.Tensors;

namespace GpuGen.Cli.Commands.Families;

/// <summary>
/// `gpugen eval` for classifier checkpoints ("classifier"), and the way other families' evals get the
/// classifier for their Fréchet distances (<see cref="ForFrechet"/>).
/// </summary>
internal static class ClassifierFamily
{
    public static int Sample(ParseResult r, SampleOptions o) =>
        throw new CliError($"checkpoint {r.GetValue(o.Checkpoint)} is a classifier, which draws no samples; gpugen eval measures it");

    /// <summary>
    /// Test accuracy (overall and per class) on the test split of --data, or of the data it was trained
    /// on, and the Fréchet-distance floor there: n training against n test images (n = --n, capped by the splits' sizes).
    /// </summary>
    public static int Eval(ParseResult r, EvalOptions o)
    {
        string path = r.GetValue(o.Checkpoint)!;
        using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
        using var clf = ImageClassifier.Load(dev, path);
        string spec = r.GetValue(o.Data) is { } given ? TrainClassifier.Canonical(given) : clf.Config.Data;
        if (spec.Length == 0) throw new CliError($"checkpoint {path} does not say what data it was trained on; pass --data");
        var test = TrainClassifier.OpenTest(spec)
            ?? throw new CliError($"{spec} has no test split (folder data, or an idx folder without t10k files)");
        var train = Dataset.Open(spec);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var evaluation = clf.Evaluate(test);
        int n = Math.Min(r.GetValue(o.N), Math.Min(train.Count, test.Count));
        var reference = n >= 2 ? clf.Reference(train, test, n, r.GetValue(o.Seed)) : null;
        Console.WriteLine($"classifier {path} (step {clf.Step}, trained on {clf.Config.Data}) on {dev.Name}, {clock.Elapsed.TotalSeconds:F1} s:");
        ClassifierReport.Print(evaluation, test, Console.Out);
        if (reference is not null) Console.WriteLine($"Fréchet distance floor (its features of {n} training vs {n} test images): {reference.Floor:F4}");
        if (r.GetValue(o.Json))
            Console.WriteLine(ClassifierReport.AddTo(new JsonOut().Add("command", "eval").Add("family", ImageClassifier.Family)
                .Add("data", spec).Add("step", clf.Step).Add("device", dev.Name), evaluation, test)
                .Add("fd_floor", reference?.Floor ?? double.NaN).Add("fd_n", reference is null ? 0 : n));
        return 0;
    }

    /// <summary>
    /// The classifier for Fréchet distances on <paramref name="train"/>'s kind of images: the checkpoint of
    /// --classifier when given, else the cached one, else one trained now (with a progress bar on stderr)
    /// into the cache. See <see cref="ClassifierCache"/>.
    /// </summary>
    public static ImageClassifier ForFrechet(Device device, Dataset train, string? classifierPath, bool progress = true, string? cacheDir = null)
    {
        ProgressBar? bar = null;
        try
        {
            return ClassifierCache.GetOrTrain(device, train, classifierPath, cacheDir, progress: p =>
            {
                bar ??= new ProgressBar("classifier", p.TotalSteps, progress);
                bar.Report(p.Step, TrainClassifier.Status(p));
            }, log: line => Console.Error.WriteLine(line));
        }
        finally
        {
            bar?.Dispose();
        }
    }
}
