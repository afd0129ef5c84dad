using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Metrics;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.Gan;

/// <summary>
/// A GAN under <see cref="TrainingDriver"/>: each step one D and one G update on a batch of images (in
/// the config's seeded order) or of fresh toy points; it reports D and G losses and D's mean output on
/// real and fake data. The pictures sample one fixed z, so a run's grids show progress on the same
/// noise; a toy run ends with the MMD² to the data and, on 8gaussians, the modes covered.
/// </summary>
public sealed class GanTraining : ITrainingRun
{
    /// <summary>Samples in the end-of-run MMD and mode count of a toy run.</summary>
    public const int ToyTestPoints = 2000;

    private readonly Gan model;
    private DataLoader? loader;
    private readonly int pictureSamples;

    public GanTraining(Gan model, Dataset? data, int pictureSamples)
    {
        var c = model.Config;
        if (c.IsMlp != data is null) throw new ArgumentException($"a {c.Architecture} GAN trains on {(c.IsMlp ? "a 2-D toy" : "images")}");
        if (data is not null && (c.Height != data.Height || c.Width != data.Width))
            throw new ArgumentException($"the model makes {c.Height}×{c.Width} images, the data has {data.Height}×{data.Width}");
        this.model = model;
        this.pictureSamples = pictureSamples;
        if (data is not null) loader = new DataLoader(data, model.Device, new DataLoaderOptions { BatchSize = c.Batch, Seed = c.Seed, StartBatch = model.Step });
    }

    public Gan Model => model;
    public TrainingRunInfo Info => new(Gan.Family, model.Config.Data, $"{model.Config}, G {model.G.ParameterCount():N0} + D {model.D.ParameterCount():N0}", model.G.ParameterCount() + model.D.ParameterCount());
    public long Step => model.Step;

    public IReadOnlyList<TrainingSeries> Series { get; } =
        [new("D loss", "loss_d", "D loss"), new("G loss", "loss_g", "G loss"), new("D(real)", "d_real", "D(real)"), new("D(fake)", "d_fake", "D(fake)")];


    public void TrainStep(Span<float> values)
    {
        GanStepResult last;
        using (model.Device.Step())
        {
            if (loader is not null)
            {
                var batch = loader.Next();
                last = model.TrainStep(batch.Images, model.Conditional ? batch.Labels : null);
            }
            else
            {
                var points = ToyData.Sample(model.Config.Data, model.Config.Batch, model.Config.Seed, (ulong)model.Step);
                int rows = model.Share.Rows(model.Config.Batch);
                last = model.TrainStep(Tensor.FromSpan(model.Device, points.AsSpan(model.Share.FirstRow(rows) * 2, rows * 2), [rows, 2]));
            }
        }
        (values[0], values[1], values[2], values[3]) = (last.LossD, last.LossG, last.DReal, last.DFake);
    }

    public string Status(ReadOnlySpan<double> s) => string.Create(CultureInfo.InvariantCulture, $"D {s[0]:F3}  G {s[1]:F3}  D(real) {s[2]:F2}  D(fake) {s[3]:F2}");

    public StateDict State() => model.State();

    public void Share(BatchShare share)
    {
        loader = loader?.WithShare(share);
        model.Share = share;
    }

    public void Save(string path) => model.Save(path);

    /// <summary>G on a fixed z: 36 images (a cGAN: 4 per class, a class per column), or 2,000 points over 20,000 of the toy's.</summary>
    public TrainingPreview Preview(ulong seed)
    {
        var c = model.Config;
        const string caption = "G(z), fixed z";
        if (c.IsMlp)
        {
            backdrop ??= ToyData.Sample(c.Data, 20_000, c.Seed, 0x5649_4557UL);
            return TrainingPreview.Cloud(model.Sample(2000, seed), model.Step, caption) with { Backdrop = backdrop };
        }
        int n = model.Conditional ? 4 * c.Classes : 36;
        return TrainingPreview.Images(model.Sample(n, seed), n, 1, c.Height, c.Width, model.Step, caption) with { Columns = model.Conditional ? c.Classes : 0 };
    }

    private float[]? backdrop;

    public void WritePicture(string path, ulong seed) =>
        GanPictures.Samples(model, model.Sample(pictureSamples, seed), pictureSamples, $"gan on {model.Config.Data}, step {model.Step}").SavePng(path);

    public void Finish(JsonOut summary, TrainingResult result, ulong seed, TextWriter report)
    {
        if (!model.Config.IsMlp) return;
        var samples = model.Sample(ToyTestPoints, seed);
        double mmd = Mmd.Squared(samples, ToyData.Sample(model.Config.Data, ToyTestPoints, seed + 1), 2);
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MMD² of {ToyTestPoints} samples to data: {mmd:F5}"));
        summary.Add("mmd2", mmd);
        if (ToyData.Canonical(model.Config.Data) != "8gaussians") return;
        var counts = ModeCoverage.EightGaussians(samples);
        int covered = ModeCoverage.Covered(counts, ToyTestPoints);
        report.WriteLine($"8gaussians modes covered: {covered} of 8 (samples within 3σ per mode: {string.Join(", ", counts)})");
        summary.Add("modes_covered", covered);
    }

    public void Dispose()
    {
        loader?.Dispose();
        model.Dispose();
    }
}
