using System.CommandLine;
using GpuGen.Data;
using GpuGen.Models.Classifier;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen train classifier`: the small CNN whose features the Fréchet distances of `gpugen eval` use,
/// trained on a labelled dataset with a progress bar; prints the test accuracy where the data has a
/// test split.
/// </summary>
internal static class TrainClassifier
{
    public static Command Create()
    {
        var o = new TrainClassifierOptions();
        var cmd = new Command("classifier", "the CNN classifier whose features the Fréchet distances use");
        foreach (var option in o.Options()) cmd.Add(option);
        cmd.SetAction(r =>
        {
            var defaults = new ClassifierConfig();
            int batch = r.GetValue(o.Batch) ?? defaults.Batch;
            if (batch < 2) throw new CliError($"--batch must be at least 2 (batch normalization), got {batch}");
            string given = r.GetValue(o.Data)!, spec = DataSpec.Canonical(given);
            var train = TrainRunner.OpenData(given); // its errors name the data as the user spelled it
            var test = DataSpec.OpenTest(spec);
            int perClass = o.SamplesOr(r, 10);
            return TrainRunner.Run(r, o, "classifier", (dev, resume) =>
            {
                var model = resume is not null ? ImageClassifier.Load(dev, resume.Path) : TrainRunner.Checked(() =>
                {
                    var recipe = new ClassifierConfig(LearningRate: r.GetValue(o.LearningRate) ?? defaults.LearningRate, Batch: batch, Steps: r.GetValue(o.Steps),
                        Seed: r.GetValue(o.Seed), FlipAugment: !r.GetValue(o.NoFlip));
                    return ImageClassifier.Create(dev, ClassifierCache.ConfigFor(train, recipe) with { Data = spec });
                });
                return TrainRunner.Wrap(model, resume, m => new ClassifierTraining(m, train, test, perClass));
            });
        });
        return cmd;
    }
}

/// <summary>The options of `gpugen train classifier`.</summary>
internal sealed class TrainClassifierOptions() : TrainOptions("labelled training images: fashion-mnist, idx:DIR or folder:DIR", "fashion-mnist",
    steps: new ClassifierConfig().Steps, sampleEvery: 0,
    batch: $"batch size (default {new ClassifierConfig().Batch})", lr: $"Adam's initial learning rate, decaying to 0 on a cosine over --steps (default {new ClassifierConfig().LearningRate})",
    samples: "held-out images per class in samples.png, each row the images the classifier assigns to one class (default 10)")
{
    public Option<bool> NoFlip { get; } = new("--no-flip") { Description = "do not add left–right mirror images to the training data" };

    protected override IEnumerable<Option> FamilyOptions() => [NoFlip];
}
