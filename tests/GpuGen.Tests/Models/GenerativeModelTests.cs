using System.Text.Json;
using GpuGen.Data;
using GpuGen.Models;
using GpuGen.Models.Classifier;
using GpuGen.Models.Diffusion;
using GpuGen.Models.Flows;
using GpuGen.Models.Gan;
using GpuGen.Models.PixelCnn;
using GpuGen.Models.Vae;
using GpuGen.Models.Views;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Tests.Models;

/// <summary>
/// The family contract as an embedding program meets it: for every family name in
/// <see cref="ModelFamilies"/>, a tiny model trained two steps through its training class and saved
/// loads through <see cref="GenerativeModel.Load"/>, samples the same twice with one seed (and
/// differently with another), evaluates, and continues training from where it stopped.
/// </summary>
public sealed class GenerativeModelTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-family-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<string> Families()
    {
        var names = new TheoryData<string>();
        foreach (string name in ModelFamilies.Names) names.Add(name);
        return names;
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void TrainsSavesLoadsSamplesEvaluatesAndContinues(string family)
    {
        string shapes = SyntheticShapes.WriteIdx(Path.Combine(dir, "shapes"), 16, 8, seed: 7);
        using var device = Device.Cpu();
        string path = Path.Combine(dir, "model.safetensors");
        using (var run = NewRun(family, device, shapes))
        {
            var values = new float[run.Series.Count];
            for (int i = 0; i < 2; i++)
            {
                Array.Fill(values, float.NaN);
                run.TrainStep(values);
                Assert.All(values, v => Assert.True(float.IsFinite(v), $"{family}: step {i + 1} reports {v}"));
            }
            run.Save(path);
        }

        using var model = GenerativeModel.Load(path, device);
        Assert.Equal((family, 2L), (model.Family, model.Step));
        Assert.False(string.IsNullOrWhiteSpace(model.Description));
        Assert.Equal(family is "ddpm-2d" or "nice" or "gan" ? "8gaussians" : shapes, model.DataName);

        if (family == ImageClassifier.Family)
        {
            var refusal = Assert.Throws<ArgumentException>(() => model.Sample(new SampleRequest(N: 2)));
            Assert.Equal($"checkpoint {path} is a classifier, which draws no samples; gpugen eval measures it", refusal.Message);
        }
        else
        {
            var request = SampleRequestFor(family);
            var first = model.Sample(request);
            var again = model.Sample(request);
            var other = model.Sample(request with { Seed = request.Seed + 1 });
            Assert.Equal(request.N, first.Shape[0]);
            Assert.Equal(first.Samples.Length, first.Shape.Aggregate(1, (a, b) => a * b));
            Assert.All(first.Samples, v => Assert.True(float.IsFinite(v), $"{family}: a sample is {v}"));
            Assert.Equal(first.Samples, again.Samples);
            Assert.NotEqual(first.Samples, other.Samples);   // the positive control: the seed does reach the samples
            Assert.Equal(request.Pictures!.Order(), first.Pictures.Keys.Order());
            Assert.All(first.Pictures.Values, image => Assert.True(image.Width > 1 && image.Height > 1));
            using var numbers = JsonDocument.Parse(first.Numbers.ToString());
            Assert.Equal(("sample", family, request.N), (numbers.RootElement.GetProperty("command").GetString(),
                numbers.RootElement.GetProperty("family").GetString(), numbers.RootElement.GetProperty("n").GetInt32()));
            Assert.NotEmpty(first.Lines);
        }

        // The live view the family declares: `gpugen view` shows whatever it returns, through the viewer's scene for its kind.
        if (family is ImageClassifier.Family or Gan.Family)
        {
            var none = Assert.Throws<ArgumentException>(() => model.View(new ViewRequest()));
            Assert.Contains(family == Gan.Family ? "2-D toy GAN" : "has no live view", none.Message);
        }
        else
        {
            var view = model.View(new ViewRequest());
            Assert.True(view.Count > 0, $"{family}: a view of {view.Count}");
            Assert.Contains($"step 2", view.Description);
            Assert.StartsWith("keys: ", view.Keys);
            bool flow = family is FlowConfig.Nice or FlowConfig.RealNvp;
            var temperature = new ViewRequest { Temperature = 0.5f };
            if (flow) Assert.Equal(0.5f, Assert.IsType<LayerView>(model.View(temperature)).Temperature);   // the positive control
            else Assert.Equal($"--temperature does not apply to gpugen view of a {family} model", Assert.Throws<ArgumentException>(() => model.View(temperature)).Message);
            Assert.Equal("--n must be a positive number, got 0", Assert.Throws<ArgumentException>(() => model.View(new ViewRequest { N = 0 })).Message);
        }

        var report = new StringWriter();
        var (evalRequest, metric) = EvalRequestFor(family);
        using (var json = JsonDocument.Parse(model.Evaluate(evalRequest, report).ToString()))
        {
            var root = json.RootElement;
            Assert.Equal(("eval", family, 2L), (root.GetProperty("command").GetString(), root.GetProperty("family").GetString(), root.GetProperty("step").GetInt64()));
            double value = root.GetProperty(metric).GetDouble();
            Assert.True(double.IsFinite(value), $"{family}: {metric} = {value}");
            Assert.Contains("step 2", report.ToString());
        }

        using var continued = model.Continue(pictureSamples: 4);
        Assert.Equal((family, model.DataName, 2L), (continued.Info.Family, continued.Info.DataName, continued.Step));
        var step = new float[continued.Series.Count];
        continued.TrainStep(step);
        Assert.Equal(3, continued.Step);
        Assert.True(float.IsFinite(step[0]), $"{family}: the continued step's loss is {step[0]}");
        Assert.Throws<InvalidOperationException>(() => model.Sample(new SampleRequest(N: 2)));   // the run owns the model now
    }

    [Fact]
    public void AnUnknownFamilyIsAClearErrorListingTheKnownOnes()
    {
        using var device = Device.Cpu();
        using var toy = ToyDiffusion.Create(device, new ToyDiffusionConfig(Hidden: 8, HiddenLayers: 1, Timesteps: 10, Batch: 16));
        string path = Path.Combine(dir, "odd.safetensors");
        Checkpoint.Save(path, "nonesuch", ConfigJson.Write(toy.Config), 0, toy.Model);
        var e = Assert.Throws<InvalidDataException>(() => GenerativeModel.Load(path, device));
        Assert.Equal($"checkpoint {path} holds a 'nonesuch' model, which is not a known family (known: {string.Join(", ", ModelFamilies.Names)})", e.Message);
        toy.Save(path);   // the positive control: the same file with its own family loads
        using var loaded = GenerativeModel.Load(path, device);
        Assert.Equal(ToyDiffusion.Family, loaded.Family);
    }

    [Fact]
    public void AFamilyRefusesOptionsThatDoNotApplyWithTheLineTheCommandPrints()
    {
        using var device = Device.Cpu();
        string path = Path.Combine(dir, "flow.safetensors");
        using (var run = NewRun(FlowConfig.Nice, device, ""))
            run.Save(path);
        using var flow = GenerativeModel.Load(path, device);
        var chain = Assert.Throws<ArgumentException>(() => flow.Sample(new SampleRequest(N: 4, Pictures: new HashSet<string> { SamplePictures.Chain })));
        Assert.Equal("--chain does not apply to flows (they are unconditional and sample in one inverse pass)", chain.Message);
        var temperature = Assert.Throws<ArgumentException>(() => flow.Sample(new SampleRequest(N: 4, Temperature: -1f)));
        Assert.Equal("--temperature must be 0 or positive, got -1", temperature.Message);
        var data = Assert.Throws<ArgumentException>(() => flow.Evaluate(new EvalRequest(N: 50, Data: "moons"), TextWriter.Null));
        Assert.Equal("--data moons: a 2-D flow is measured on fresh points of its own generator (8gaussians)", data.Message);
        Assert.Equal(4, flow.Sample(new SampleRequest(N: 4, Temperature: 0.5f)).Shape[0]);   // the positive control
        Assert.Contains("8gaussians", flow.Evaluate(new EvalRequest(N: 50, Data: "8-gaussians"), TextWriter.Null).ToString());
    }

    /// <summary>A tiny model of the family, new, under its training class.</summary>
    private static ITrainingRun NewRun(string family, Device device, string shapes)
    {
        Dataset Shapes() => Dataset.Open(shapes);
        switch (family)
        {
            case ToyDiffusion.Family:
                return new ToyDiffusionTraining(ToyDiffusion.Create(device, new ToyDiffusionConfig(Hidden: 16, HiddenLayers: 2, Timesteps: 50, Batch: 64, Seed: 1)), 64);
            case ImageDiffusion.Family:
                var ddpm = new ImageDiffusionConfig { Data = shapes, Channels = [8, 16], TimeDim = 32, Timesteps = 50, Batch = 4, Seed = 1 };
                ddpm.Validate();
                return new ImageDiffusionTraining(ImageDiffusion.Create(device, ddpm), Shapes(), 4, 3);
            case "vae" or "cvae":
                var vae = new VaeConfig(family == "cvae", Data: shapes, Classes: SyntheticShapes.Classes, Latent: 4, Batch: 8, Seed: 1);
                return new VaeTraining(Vae.Create(device, vae), Shapes(), 4);
            case FlowConfig.Nice:
                return new FlowTraining(Flow.Create(device, FlowConfig.Toy(family, "8gaussians", layers: 2, hidden: 8, batch: 64, seed: 1)), 64, 1f);
            case FlowConfig.RealNvp:
                var data = Shapes();
                var flow = new FlowConfig(family, shapes, Layers: 2, Hidden: 16, Batch: 8, Seed: 1);
                return new FlowTraining(Flow.Create(device, flow, data), 4, 0.8f);
            case Gan.Family:
                var gan = new GanConfig { Data = "8gaussians", Architecture = "mlp", Latent = 8, Hidden = 16, HiddenLayers = 2, Batch = 32, LearningRate = 1e-3f, Seed = 1 };
                gan.Validate();
                return new GanTraining(Gan.Create(device, gan), null, 64);
            case PixelCnn.Family:
                var pixelCnn = new PixelCnnConfig { Data = shapes, Channels = 8, ResidualLayers = 1, Batch = 4, Seed = 1 };
                pixelCnn.Validate();
                return new PixelCnnTraining(PixelCnn.Create(device, pixelCnn), Shapes(), 2);
            case ImageClassifier.Family:
                var train = Shapes();
                var classifier = ClassifierCache.ConfigFor(train, new ClassifierConfig(Batch: 8, Steps: 2, Seed: 1)) with { Data = shapes };
                return new ClassifierTraining(ImageClassifier.Create(device, classifier), train, DataSpec.OpenTest(shapes), 2);
            default:
                throw new ArgumentException($"{family}: a family in the registry without a tiny model in this test; add one");
        }
    }

    private static SampleRequest SampleRequestFor(string family)
    {
        static HashSet<string> Pictures(params string[] names) => [.. names];
        return family switch
        {
            ToyDiffusion.Family => new(N: 64, Seed: 5, Sampler: "ddim", Steps: 5, Eta: 0.5f, Pictures: Pictures(SamplePictures.Grid, SamplePictures.Chain)),
            ImageDiffusion.Family => new(N: 2, Seed: 5, Sampler: "ddim", Steps: 3, Eta: 0.5f, Pictures: Pictures(SamplePictures.Grid, SamplePictures.Chain)),
            "vae" or "cvae" => new(N: 4, Seed: 5, Pictures: Pictures(SamplePictures.Grid, SamplePictures.Recon, SamplePictures.Walk)),
            PixelCnn.Family => new(N: 1, Seed: 5, Pictures: Pictures(SamplePictures.Grid, SamplePictures.Chain)),
            FlowConfig.RealNvp => new(N: 2, Seed: 5, Temperature: 0.8f, Pictures: Pictures(SamplePictures.Grid)),
            _ => new(N: 64, Seed: 5, Pictures: Pictures(SamplePictures.Grid)),
        };
    }

    /// <summary>A small evaluation of the family, and a number in its JSON that must be finite.</summary>
    private static (EvalRequest Request, string Metric) EvalRequestFor(string family) => family switch
    {
        ToyDiffusion.Family => (new(N: 64, Seed: 3), "mmd2"),
        ImageDiffusion.Family => (new(N: 4, Seed: 3, BpdN: 2, BpdTimesteps: 3, FrechetDistance: false), "eps_mse"),
        "vae" or "cvae" => (new(N: 8, Seed: 3, K: 2, FrechetDistance: false), "test_iw_nats"),
        FlowConfig.Nice => (new(N: 200, Seed: 3), "test_nll_nats"),
        FlowConfig.RealNvp => (new(N: 4, Seed: 3), "test_bits_per_dim"),
        Gan.Family => (new(N: 200, Seed: 3), "mmd2"),
        PixelCnn.Family => (new(N: 2, Seed: 3), "test_bits_per_dim"),
        ImageClassifier.Family => (new(N: 8, Seed: 3), "test_accuracy"),
        _ => throw new ArgumentException($"{family}: no evaluation in this test; add one"),
    };
}
