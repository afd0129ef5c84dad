using System.CommandLine;
using System.Globalization;
using GpuGen.Cli.Commands.Families;
using GpuGen.Data;
using GpuGen.Models.Flows;
using GpuGen.Models.Vae;
using GpuGen.Tensors;

namespace GpuGen.Cli.Commands;

/// <summary>What `gpugen train` needs of a VAE or flow run: a step, a checkpoint, a picture, final numbers.</summary>
internal abstract class LatentTrainer : IDisposable
{
    public abstract long Step { get; }
    public abstract long Parameters { get; }
    public abstract string DataName { get; }
    public abstract string Describe { get; }
    public abstract string LossUnit { get; }

    /// <summary>One optimisation step; returns its loss in <see cref="LossUnit"/>.</summary>
    public abstract float TrainStep();

    public abstract void Save(string path);

    /// <summary>Writes the sample picture to <paramref name="path"/> and returns the path.</summary>
    public abstract string WritePicture(string path, ulong seed);

    /// <summary>Adds numbers that are cheap to measure at the end of a run (and prints them).</summary>
    public virtual void AddFinalMetrics(JsonOut json, ulong seed)
    {
    }

    public abstract void Dispose();

    /// <summary>Opens the training data of --data, turning loader errors into one-line CLI errors.</summary>
    internal static Dataset OpenData(string spec)
    {
        try
        {
            return Dataset.Open(spec);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
        {
            throw new CliError($"--data {spec}: {e.Message}");
        }
    }

    private static T Checked<T>(Func<T> make)
    {
        try
        {
            return make();
        }
        catch (ArgumentException e)
        {
            throw new CliError($"bad model options: {e.Message}");
        }
    }

    /// <summary>A VAE or CVAE on images: a new one from the options, or the checkpoint to resume.</summary>
    public static LatentTrainer Vae(ParseResult r, TrainLatentOptions o, string kind, Device dev, string? resumeFrom)
    {
        string spec = TrainClassifier.Canonical(r.GetValue(o.Data)!);
        if (ToyData.IsToy(spec)) throw new CliError($"--data {spec}: {kind} models images; the 2-D toys are for flows and ddpm");
        var data = OpenData(spec);
        bool conditional = kind == "cvae";
        int classes = 10;
        if (conditional)
        {
            if (!data.HasLabels) throw new CliError($"--data {spec}: a CVAE needs labels (folder:DIR needs one sub-folder per class)");
            classes = Math.Max(data.ClassNames.Count, data.Labels.ToArray().Max() + 1);
        }
        Vae run;
        if (resumeFrom is not null)
        {
            run = GpuGen.Models.Vae.Vae.Load(dev, resumeFrom);
            var c = run.Config;
            string? problem = c.Family != kind ? $"holds a {c.Family}, not a {kind}"
                : c.Channels != data.Channels || c.Height != data.Height || c.Width != data.Width
                    ? $"takes {c.Channels}×{c.Height}×{c.Width} images, the data has {data.Channels}×{data.Height}×{data.Width}"
                    : conditional && c.Classes < classes ? $"knows {c.Classes} classes, the data has {classes}" : null;
            if (problem is not null)
            {
                run.Dispose();
                throw new CliError($"--resume {resumeFrom}: the model {problem}");
            }
        }
        else
        {
            var config = new VaeConfig(conditional, r.GetValue(o.Arch)!, spec, data.Channels, data.Height, data.Width, classes,
                r.GetValue(o.Latent), r.GetValue(o.Likelihood)!, r.GetValue(o.GaussianStd), r.GetValue(o.LearningRate) ?? 1e-3f,
                r.GetValue(o.Batch) ?? 128, r.GetValue(o.Seed));
            run = Checked(() => GpuGen.Models.Vae.Vae.Create(dev, config));
        }
        return new VaeTrainer(run, data, r.GetValue(o.Samples) ?? 100);
    }

    /// <summary>A NICE or RealNVP flow on images or a 2-D toy: a new one from the options, or the checkpoint to resume.</summary>
    public static LatentTrainer Flow(ParseResult r, TrainLatentOptions o, string kind, Device dev, string? resumeFrom)
    {
        string spec = TrainClassifier.Canonical(r.GetValue(o.Data)!);
        bool toy = ToyData.IsToy(spec);
        if (toy)
        {
            spec = ToyData.Canonical(spec);
            foreach (Option option in new Option[] { o.Mask, o.Alpha })
                if (r.GetResult(option) is { Implicit: false })
                    throw new CliError($"{option.Name} applies to image data only, not to the 2-D toy '{spec}'");
        }
        string arch = r.GetValue(o.FlowArch)!;
        bool conv = arch == FlowConfig.Conv;
        if (conv && (toy || kind != FlowConfig.RealNvp))
            throw new CliError($"--arch conv is RealNVP's multi-scale architecture for images, not for {kind} on {spec}");
        foreach (Option option in conv ? new Option[] { o.Layers, o.HiddenLayers, o.Mask } : [o.Scales, o.Blocks])
            if (r.GetResult(option) is { Implicit: false })
                throw new CliError($"{option.Name} does not apply to --arch {arch}");
        var data = toy ? null : OpenData(spec);
        Flow run;
        if (resumeFrom is not null)
        {
            var peek = GpuGen.Models.Flows.Flow.Load(dev, resumeFrom);
            var c = peek.Config;
            peek.Dispose();
            if (c.Kind != kind) throw new CliError($"--resume {resumeFrom}: the model is a {c.Kind}, not a {kind}");
            if (c.IsToy != toy || (toy && c.Data != spec) || (data is not null && data.ExampleSize != c.Dim))
                throw new CliError($"--resume {resumeFrom}: the model was trained on {c.Data} ({c.Channels}×{c.Height}×{c.Width}), not on {spec}");
            run = GpuGen.Models.Flows.Flow.Load(dev, resumeFrom, data);
        }
        else
        {
            int decay = (r.GetValue(o.LrDecay) ?? (toy ? "cosine" : "constant")) == "cosine" ? r.GetValue(o.Steps) : 0;
            var config = toy
                ? FlowConfig.Toy(kind, spec, r.GetValue(o.Layers) ?? 16, r.GetValue(o.Hidden) ?? 64, r.GetValue(o.HiddenLayers),
                    r.GetValue(o.LearningRate) ?? 1e-3f, r.GetValue(o.Batch) ?? 512, r.GetValue(o.Seed), r.GetValue(o.ActNorm) ?? true, decay)
                : new FlowConfig(kind, spec, data!.Channels, data.Height, data.Width, r.GetValue(o.Layers) ?? 8, r.GetValue(o.Hidden) ?? (conv ? 64 : 512),
                    r.GetValue(o.HiddenLayers), r.GetValue(o.Mask)!, r.GetValue(o.ActNorm) ?? false, r.GetValue(o.Alpha),
                    r.GetValue(o.LearningRate) ?? 1e-4f, r.GetValue(o.Batch) ?? 128, r.GetValue(o.Seed), arch, r.GetValue(o.Scales), r.GetValue(o.Blocks), decay);
            run = Checked(() => GpuGen.Models.Flows.Flow.Create(dev, config, data));
        }
        float temperature = r.GetValue(o.Temperature) ?? (toy ? 1f : 0.8f);
        if (!(temperature >= 0)) throw new CliError($"--temperature must be 0 or positive, got {temperature}");
        return new FlowTrainer(run, r.GetValue(o.Samples) ?? (toy ? 2000 : 100), temperature);
    }

    private sealed class VaeTrainer : LatentTrainer
    {
        private readonly Vae run;
        private readonly Dataset data;
        private readonly DataLoader loader;
        private readonly int samples;

        public VaeTrainer(Vae run, Dataset data, int samples)
        {
            this.run = run;
            this.data = data;
            this.samples = samples;
            var scaling = run.Config.Likelihood == VaeConfig.Bernoulli ? PixelScaling.Binarized : PixelScaling.ZeroToOne;
            loader = new DataLoader(data, run.Device, new DataLoaderOptions { BatchSize = run.Config.Batch, Seed = run.Config.Seed, StartBatch = run.Step, Scaling = scaling });
        }

        public override long Step => run.Step;
        public override long Parameters => run.Network.ParameterCount();
        public override string DataName => run.Config.Data;
        public override string Describe => run.Config.ToString();
        public override string LossUnit => "nats/image";

        public override float TrainStep()
        {
            using var scope = run.Device.Step();
            var batch = loader.Next();
            var labels = run.Config.Conditional ? batch.Indices.Select(i => data.Labels[i]).ToArray() : null;
            return run.TrainStep(batch.Images, labels);
        }

        public override void Save(string path) => run.Save(path);

        public override string WritePicture(string path, ulong seed)
        {
            VaeFamily.SampleGrid(run, samples, null, seed, 1f, out _).SavePng(path);
            return path;
        }

        public override void Dispose()
        {
            loader.Dispose();
            run.Dispose();
        }
    }

    private sealed class FlowTrainer(Flow run, int samples, float temperature) : LatentTrainer
    {
        public override long Step => run.Step;
        public override long Parameters => run.Network.ParameterCount();
        public override string DataName => run.Config.Data;
        public override string Describe => run.Config.ToString();
        public override string LossUnit => run.LossUnit;

        public override float TrainStep() => run.TrainStep();

        public override void Save(string path) => run.Save(path);

        public override string WritePicture(string path, ulong seed)
        {
            FlowFamily.Picture(run, samples, temperature, seed).SavePng(path);
            return path;
        }

        /// <summary>Toy flows: the NLL of 5000 fresh points of the generator (cheap, and what the run is judged by).</summary>
        public override void AddFinalMetrics(JsonOut json, ulong seed)
        {
            if (!run.Config.IsToy) return;
            double nll = run.ToyNll(5000, seed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test NLL {nll:F4} nats on 5000 fresh points of {run.Config.Data}"));
            json.Add("test_nll_nats", nll);
        }

        public override void Dispose() => run.Dispose();
    }
}
