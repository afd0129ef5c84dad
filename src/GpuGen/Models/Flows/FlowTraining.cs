using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Training;

namespace GpuGen.Models.Flows;

/// <summary>
/// NICE or RealNVP under <see cref="TrainingDriver"/>: the exact negative log-likelihood as the loss
/// (nats for 2-D toys, bits/dim for images), samples at a temperature as the picture, and for toys
/// the NLL of 5,000 fresh points of the generator at the end — what a toy run is judged by.
/// </summary>
public sealed class FlowTraining(Flow model, int pictureSamples, float temperature) : ITrainingRun
{
    /// <summary>Fresh generator points in the end-of-run NLL.</summary>
    public const int ToyTestPoints = 5000;

    public Flow Model => model;
    public TrainingRunInfo Info => new(model.Config.Kind, model.Config.Data, model.Config.ToString(), model.Network.ParameterCount());
    public long Step => model.Step;
    public IReadOnlyList<TrainingSeries> Series { get; } = [TrainingSeries.Loss($"training loss ({model.LossUnit})")];

    public void TrainStep(Span<float> values) => values[0] = model.TrainStep();

    public string Status(ReadOnlySpan<double> smoothed) => string.Create(CultureInfo.InvariantCulture, $"loss {smoothed[0]:F4} {model.LossUnit}");

    public StateDict State() => model.State();

    public void Share(BatchShare share) => model.Share(share);

    public void Save(string path) => model.Save(path);

    public void WritePicture(string path, ulong seed) => FlowPictures.Picture(model, pictureSamples, temperature, seed).SavePng(path);

    /// <summary>Samples at the pictures' temperature: 36 images, or 1,000 points over 20,000 of the toy's.</summary>
    public TrainingPreview Preview(ulong seed)
    {
        var c = model.Config;
        string caption = string.Create(CultureInfo.InvariantCulture, $"samples (T = {temperature})");
        if (c.IsToy)
        {
            backdrop ??= ToyData.Sample(c.Data, 20_000, seed);
            return TrainingPreview.Cloud(model.Sample(1000, temperature, seed), model.Step, caption) with { Backdrop = backdrop };
        }
        return TrainingPreview.Images(model.Sample(36, temperature, seed), 36, c.Channels, c.Height, c.Width, model.Step, caption) with { Low = 0, High = 1 };
    }

    private float[]? backdrop;

    public void Finish(JsonOut summary, TrainingResult result, ulong seed, TextWriter report)
    {
        summary.Add("loss_unit", model.LossUnit);
        if (!model.Config.IsToy) return;
        double nll = model.ToyNll(ToyTestPoints, seed);
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test NLL {nll:F4} nats on {ToyTestPoints} fresh points of {model.Config.Data}"));
        summary.Add("test_nll_nats", nll);
    }

    public void Dispose() => model.Dispose();
}
