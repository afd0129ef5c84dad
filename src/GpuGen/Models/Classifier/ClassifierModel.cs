using System.Diagnostics;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.Classifier;

/// <summary>
/// The image classifier ("classifier") as a <see cref="GenerativeModel"/>: it draws no samples; its
/// metrics are the test accuracy (overall and per class) and the Fréchet-distance floor on its data.
/// </summary>
public sealed class ClassifierModel(Device device, string path) : GenerativeModel(device, path)
{
    private readonly ImageClassifier model = ImageClassifier.Load(device, path);

    public override ModelInfo Info => new(ImageClassifier.Family, model.Step, model.Config.Data, model.Config.ToString());

    protected override SampleResult SampleCore(SampleRequest request) =>
        throw new ArgumentException($"checkpoint {Path} is a classifier, which draws no samples; gpugen eval measures it");

    /// <summary>
    /// Test accuracy (overall and per class) on the test split of the request's data, or of the data it was
    /// trained on, and the Fréchet-distance floor there: n training against n test images (n capped by the splits' sizes).
    /// </summary>
    protected override JsonOut EvaluateCore(EvalRequest request, TextWriter report)
    {
        string spec = request.Data is { } given ? DataSpec.Canonical(given) : model.Config.Data;
        if (spec.Length == 0) throw new ArgumentException($"checkpoint {Path} does not say what data it was trained on; pass --data");
        var test = DataSpec.OpenTest(spec)
            ?? throw new ArgumentException($"{spec} has no test split (folder data, or an idx folder without t10k files)");
        var train = Dataset.Open(spec);
        var clock = Stopwatch.StartNew();
        var evaluation = model.Evaluate(test);
        int n = Math.Min(request.N, Math.Min(train.Count, test.Count));
        var reference = n >= 2 ? model.Reference(train, test, n, request.Seed) : null;
        report.WriteLine($"classifier {Path} (step {Step}, trained on {model.Config.Data}) on {Device.Name}, {clock.Elapsed.TotalSeconds:F1} s:");
        ClassifierReport.Print(evaluation, test, report);
        if (reference is not null) report.WriteLine($"Fréchet distance floor (its features of {n} training vs {n} test images): {reference.Floor:F4}");
        return ClassifierReport.AddTo(new JsonOut().Add("command", "eval").Add("family", Family)
                .Add("data", spec).Add("step", Step).Add("device", Device.Name), evaluation, test)
            .Add("fd_floor", reference?.Floor ?? double.NaN).Add("fd_n", reference is null ? 0 : n);
    }

    protected override ITrainingRun ContinueCore(int? pictureSamples)
    {
        string spec = model.Config.Data;
        return new ClassifierTraining(model, Dataset.Open(spec), DataSpec.OpenTest(spec), pictureSamples ?? 10);
    }

    /// <summary>The family's own model, for what needs more than this contract (the live view).</summary>
    public ImageClassifier Model => model;

    protected override void DisposeModel() => model.Dispose();
}
