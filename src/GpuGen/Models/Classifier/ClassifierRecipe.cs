using GpuGen.Data;
using GpuGen.Training;

namespace GpuGen.Models.Classifier;

/// <summary>
/// `gpugen train classifier`: the small CNN whose features the Fréchet distances use, trained on a
/// labelled dataset; reports the test accuracy where the data has a test split.
/// </summary>
public static class ClassifierRecipe
{
    public static TrainParameter<bool> NoFlip { get; } = new("--no-flip", "do not add left–right mirror images to the training data");

    private static readonly ClassifierConfig Defaults = new();

    public static TrainingRecipe Recipe { get; } = new()
    {
        Command = "classifier",
        Description = "the CNN classifier whose features the Fréchet distances use",
        DataHelp = "labelled training images: fashion-mnist, idx:DIR or folder:DIR",
        Steps = Defaults.Steps,
        BatchHelp = $"batch size (default {Defaults.Batch})",
        LearningRateHelp = $"Adam's initial learning rate, decaying to 0 on a cosine over --steps (default {Defaults.LearningRate})",
        SamplesHelp = "held-out images per class in samples.png, each row the images the classifier assigns to one class (default 10)",
        Parameters = [NoFlip],
        Prepare = Prepare,
    };

    private static OpenTraining Prepare(TrainArguments a)
    {
        int batch = a.BatchOr(Defaults.Batch);
        if (batch < 2) throw new TrainArgumentException($"--batch must be at least 2 (batch normalization), got {batch}");
        string spec = DataSpec.Canonical(a.Data);
        var train = TrainingSetup.OpenData(a.Data); // its errors name the data as the user spelled it
        var test = DataSpec.OpenTest(spec);
        int perClass = a.SamplesOr(10);
        return (device, resume) =>
        {
            var model = resume is not null ? ImageClassifier.Load(device, resume.Path) : TrainingSetup.Checked(() =>
            {
                var recipe = new ClassifierConfig(LearningRate: a.LearningRateOr(Defaults.LearningRate), Batch: batch, Steps: a.Steps, Seed: a.Seed,
                    FlipAugment: !a.Get(NoFlip));
                return ImageClassifier.Create(device, ClassifierCache.ConfigFor(train, recipe) with { Data = spec });
            });
            return TrainingSetup.Wrap(model, resume, m => new ClassifierTraining(m, train, test, perClass));
        };
    }
}
