#:project ../src/GpuGen/GpuGen.csproj
// Writes the tiny checkpoints that tests/GpuGen.Tests/Fixtures/Checkpoints holds: one per model family
// and variant, each trained for a few steps so that Adam's moments (and the EMA, where there is one) are
// not their initial values. Run by scripts/make-checkpoint-fixtures.sh, which then samples each file with
// `gpugen sample` and keeps the samples beside it. Usage: dotnet run scripts/CheckpointFixtures.cs -- OUTDIR
//
// The widths are the smallest the configs allow, so the files stay a few KB. The VAE's and the DCGAN's
// layer widths are fixed in code (512/256 and 64/128), which makes even their smallest checkpoints
// 1–13 MB with Adam's moments: the VAE is kept as a float16 export of a 4×4 conv CVAE only, and the
// DCGAN (gan on images, cgan) has no fixture.
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Models.Classifier;
using GpuGen.Models.Diffusion;
using GpuGen.Models.Flows;
using GpuGen.Models.Gan;
using GpuGen.Models.PixelCnn;
using GpuGen.Models.Vae;
using GpuGen.Tensors;

string dir = args.Length == 1 ? args[0] : throw new ArgumentException("usage: CheckpointFixtures.cs OUTDIR");
Directory.CreateDirectory(dir);
using var dev = Device.Cpu();
var fashion = Dataset.Open("fashion-mnist");
var fashion4 = Dataset.Open("fashion-mnist", new DatasetOptions { Height = 4, Width = 4 });
var fashion8 = Dataset.Open("fashion-mnist", new DatasetOptions { Height = 8, Width = 8 });
const int Steps = 3;

// ddpm-2d: ε-MLP 2+4 → 8 → 2, T = 50, EMA on.
using (var run = ToyDiffusion.Create(dev, new ToyDiffusionConfig(Hidden: 8, HiddenLayers: 1, EmbeddingDim: 4, Timesteps: 50, Batch: 64, Seed: 1)))
{
    for (int i = 0; i < Steps; i++) run.TrainStep();
    run.Save(Path.Combine(dir, "ddpm-2d.safetensors"));
}

// ddpm-image: class-conditional UNet 4/8 channels, time width 8, T = 20, EMA on.
using (var run = ImageDiffusion.Create(dev, new ImageDiffusionConfig
{
    Channels = [4, 8], TimeDim = 8, Groups = 2, Classes = 10, Timesteps = 20, Batch = 4, Seed = 2, EmaDecay = 0.9f,
}))
using (var loader = new DataLoader(fashion, dev, new DataLoaderOptions { BatchSize = run.Config.Batch, Seed = run.Config.Seed }))
{
    for (int i = 0; i < Steps; i++)
        using (dev.Step())
        {
            var batch = loader.Next();
            run.TrainStep(batch.Images, batch.Indices.Select(k => fashion.Labels[k]).ToArray());
        }
    run.Save(Path.Combine(dir, "ddpm-image-cond.safetensors"));
}

// classifier: conv widths 2/2/2, 2 features (BatchNorm buffers, dropout); its logits on two stored inputs.
using (var clf = ImageClassifier.Create(dev, new ClassifierConfig(Width1: 2, Width2: 2, Width3: 2, FeatureDim: 2, Batch: 4, Steps: 10, Seed: 3, Data: "fashion-mnist")))
using (var loader = new DataLoader(fashion, dev, new DataLoaderOptions { BatchSize = clf.Config.Batch, Seed = clf.Config.Seed }))
{
    for (int i = 0; i < Steps; i++)
        using (dev.Step())
        {
            var batch = loader.Next();
            clf.TrainStep(batch.Images, batch.Labels!);
        }
    clf.Save(Path.Combine(dir, "classifier.safetensors"));
    var inputs = Enumerable.Range(0, 2).SelectMany(k => fashion.Example(k).ToArray().Select(v => v / 127.5f - 1f)).ToArray();
    Npy.Write(Path.Combine(dir, "classifier-inputs.npy"), inputs, [2, 1, 28, 28]);
    using var x = Tensor.FromArray(dev, inputs, 2, 1, 28, 28);
    Npy.Write(Path.Combine(dir, "classifier-logits.npy"), clf.Logits(x), [2, 10]);
}

// cvae: the conv CVAE on 4×4 images, latent 2; only its float16 export is kept (see above).
using (var run = Vae.Create(dev, new VaeConfig(Conditional: true, Arch: VaeConfig.Conv, Height: 4, Width: 4, Latent: 2, Batch: 4, Seed: 4)))
using (var loader = new DataLoader(fashion4, dev, new DataLoaderOptions { BatchSize = run.Config.Batch, Seed = run.Config.Seed, Scaling = PixelScaling.Binarized }))
{
    for (int i = 0; i < Steps; i++)
        using (dev.Step())
        {
            var batch = loader.Next();
            run.TrainStep(batch.Images, batch.Indices.Select(k => fashion4.Labels[k]).ToArray());
        }
    run.Save(Path.Combine(dir, "cvae-conv.safetensors"));
}

// Flows: NICE and RealNVP on 8gaussians (two couplings of width 4; RealNVP with ActNorm), RealNVP's
// multi-scale conv flow on 8×8 images (4 filters, one residual block; its per-pixel scales grow with the image).
void Flow(string name, FlowConfig config, Dataset? data)
{
    using var run = GpuGen.Models.Flows.Flow.Create(dev, config, data);
    for (int i = 0; i < Steps; i++) run.TrainStep();
    run.Save(Path.Combine(dir, name + ".safetensors"));
}
Flow("nice-toy", new FlowConfig(Kind: FlowConfig.Nice, Data: "8gaussians", Channels: 2, Height: 1, Width: 1, Layers: 2, Hidden: 4, HiddenLayers: 1, Batch: 64, Seed: 5), null);
Flow("realnvp-toy", new FlowConfig(Kind: FlowConfig.RealNvp, Data: "8gaussians", Channels: 2, Height: 1, Width: 1, Layers: 2, Hidden: 4, HiddenLayers: 1, ActNorm: true, Batch: 64, Seed: 6), null);
Flow("realnvp-image-conv", new FlowConfig(Kind: FlowConfig.RealNvp, Height: 8, Width: 8, Arch: FlowConfig.Conv, Hidden: 4, Blocks: 1, Scales: 2, Batch: 4, Seed: 7), fashion8);

// gan: the MLP pair on 8gaussians (two Adams, "g."/"d." prefixes).
using (var run = Gan.Create(dev, new GanConfig { Data = "8gaussians", Architecture = "mlp", Latent = 2, Hidden = 8, HiddenLayers = 1, Batch = 16, LearningRate = 1e-3f, Seed = 8 }))
{
    for (int i = 0; i < Steps; i++)
        using (dev.Step())
        {
            var points = ToyData.Sample("8gaussians", run.Config.Batch, run.Config.Seed, (ulong)run.Step);
            run.TrainStep(Tensor.FromArray(dev, points, run.Config.Batch, 2));
        }
    run.Save(Path.Combine(dir, "gan-mlp.safetensors"));
}

// pixelcnn: class-conditional, 4 channels, one residual layer.
using (var run = PixelCnn.Create(dev, new PixelCnnConfig { Channels = 4, ResidualLayers = 1, Classes = 10, Batch = 4, Seed = 9 }))
{
    int p = run.PixelsPerImage;
    var pixels = new byte[run.Config.Batch * p];
    var labels = new int[run.Config.Batch];
    for (int i = 0; i < Steps; i++)
    {
        for (int k = 0; k < run.Config.Batch; k++)
        {
            int index = i * run.Config.Batch + k;
            fashion.Example(index).CopyTo(pixels.AsSpan(k * p, p));
            labels[k] = fashion.Labels[index];
        }
        using (dev.Step()) run.TrainStep(pixels, run.Config.Batch, labels);
    }
    run.Save(Path.Combine(dir, "pixelcnn-cond.safetensors"));
}
Console.WriteLine($"wrote the checkpoints to {dir}");
