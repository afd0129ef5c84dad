using System.Diagnostics;
using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Models.Views;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.Flows;

/// <summary>
/// NICE or RealNVP ("nice", "realnvp"), on images or a 2-D toy, as a <see cref="GenerativeModel"/>:
/// samples in one inverse pass at a temperature; test bits/dim, or a toy's test NLL beside the data's
/// entropy, as metrics.
/// </summary>
public sealed class FlowModel(Device device, string path) : GenerativeModel(device, path)
{
    private Flow model = Flow.Load(device, path);

    public override ModelInfo Info => new(model.Config.Kind, model.Step, model.Config.Data, model.Config.ToString());

    /// <summary>The inverse pass layer by layer: --n images (16 by default) or points (20,000), at --temperature (1 by default).</summary>
    protected override LiveView ViewCore(ViewRequest request)
    {
        request.Refuse(Family, "--sampler", "--eta", "--guidance", "--steps", "--class");
        var c = model.Config;
        float temperature = request.Temperature ?? 1f;
        if (!(temperature >= 0)) throw new ArgumentException($"--temperature must be 0 or positive, got {temperature}");
        return new LayerView(model)
        {
            Description = $"{c.Kind} on {c.Data}, step {model.Step}",
            Keys = "keys: space pause, → one layer, ← → scrub, r new z, +/− speed, s save, esc quit",
            Count = request.Count(c.IsToy ? 20_000 : 16),
            Temperature = temperature,
        };
    }

    protected override SampleResult SampleCore(SampleRequest request)
    {
        int count = request.N;
        request.Refuse("does not apply to flows (they are unconditional and sample in one inverse pass)",
            ["--chain", "--guidance", "--class", "--recon", "--walk", .. SampleRequest.DiffusionOptions]);
        float temperature = request.Temperature ?? 1f;
        if (!(temperature >= 0)) throw new ArgumentException($"--temperature must be 0 or positive, got {temperature}");
        var c = model.Config;
        var clock = Stopwatch.StartNew();
        var samples = model.Sample(count, temperature, request.Seed);
        double seconds = clock.Elapsed.TotalSeconds;
        var pictures = new Dictionary<string, Image>();
        if (request.Wants(SamplePictures.Grid)) pictures[SamplePictures.Grid] = FlowPictures.Picture(model, samples, temperature, request.Seed);
        string line = string.Create(CultureInfo.InvariantCulture, $"{count} samples in {seconds:F2} s at temperature {temperature} on {Device.Name}");
        var json = new JsonOut().Add("command", "sample").Add("family", c.Kind).Add("data", c.Data).Add("n", count)
            .Add("temperature", temperature).Add("seconds", seconds).Add("samples_per_s", count / Math.Max(1e-9, seconds)).Add("device", Device.Name);
        return new SampleResult(samples, c.IsToy ? [count, 2] : [count, c.Channels, c.Height, c.Width], pictures, json, [line], seconds);
    }

    /// <summary>Images: test bits/dim (one uniform dequantization per image). 2-D toys: test NLL in nats on fresh points of the generator.</summary>
    protected override JsonOut EvaluateCore(EvalRequest request, TextWriter report)
    {
        int count = request.N;
        ulong seed = request.Seed;
        var c = model.Config;
        var clock = Stopwatch.StartNew();
        var json = new JsonOut().Add("command", "eval").Add("family", c.Kind).Add("step", Step);
        if (c.IsToy)
        {
            // A 2-D flow is measured on its own generator: naming that data is fine, naming another is not.
            if (request.Data is { } given && ToyData.Canonical(given) != c.Data)
                throw new ArgumentException($"--data {given}: a 2-D flow is measured on fresh points of its own generator ({c.Data})");
            double nll = model.ToyNll(count, seed);
            report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Kind} on {c.Data}, step {Step}: test NLL {nll:F4} nats on {count} fresh points of the generator ({clock.Elapsed.TotalSeconds:F1} s on {Device.Name})"));
            json.Add("data", c.Data).Add("n", count).Add("test_nll_nats", nll);
            if (ToyEntropy.IsKnown(c.Data))
            {
                // The floor under any model's NLL: the data's own entropy (exact mixture density, Monte Carlo).
                var (h, se) = ToyEntropy.Estimate(c.Data);
                report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"the data's entropy: {h:F4} ± {se:F4} nats (exact mixture density at 200,000 generator points); gap {nll - h:F4} nats"));
                json.Add("data_entropy_nats", h).Add("gap_nats", nll - h);
            }
        }
        else
        {
            string spec = request.Data is { } given ? DataSpec.Canonical(given) : c.Data;
            var (test, split) = DataSpec.OpenHeldOut(spec);
            if (test.ExampleSize != c.Dim)
                throw new ArgumentException($"{spec} holds {test.Channels}×{test.Height}×{test.Width} images, the flow {c.Channels}×{c.Height}×{c.Width}");
            int n = Math.Min(count, test.Count);
            double bpd = model.BitsPerDim(test, n, seed, done => request.Report("bits/dim", done, n));
            report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Kind} on {spec}, step {Step}: test {bpd:F4} bits/dim over {n} {split} images ({clock.Elapsed.TotalSeconds:F1} s on {Device.Name})"));
            json.Add("data", spec).Add("split", split).Add("n", n).Add("test_bits_per_dim", bpd);
        }
        return json.Add("seconds", clock.Elapsed.TotalSeconds).Add("device", Device.Name);
    }

    /// <summary>An image flow trains on its data, which it holds from its construction: it is loaded again with the data.</summary>
    protected override ITrainingRun ContinueCore(int? pictureSamples)
    {
        var c = model.Config;
        if (!c.IsToy)
        {
            var data = Dataset.Open(c.Data);
            var withData = Flow.Load(Device, Path, data);
            model.Dispose();
            model = withData;
        }
        return new FlowTraining(model, pictureSamples ?? (c.IsToy ? 2000 : 100), c.IsToy ? 1f : 0.8f);
    }

    /// <summary>The family's own model, for what needs more than this contract (the live view).</summary>
    public Flow Model => model;

    protected override void DisposeModel() => model.Dispose();
}
