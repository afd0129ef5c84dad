using GpuGen.Autograd;
using GpuGen.Data;
using GpuGen.Nn;
using GpuGen.Optim;
using GpuGen.Random;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.Flows;

/// <summary>
/// A NICE or RealNVP run end to end: the network, Adam, the training step on images (uniform
/// dequantization + logit transform, loss in bits/dim) or 2-D toy points (loss in nats), exact
/// log-likelihoods, sampling by the inverse pass at a temperature, and checkpoints. This is what
/// `gpugen train nice|realnvp` drives and the realnvp_mlp_step benchmark times.
/// </summary>
public sealed class Flow : IDisposable
{
    /// <summary>Philox streams of the data batches and the dequantization noise (high bits set), apart from the weights'.</summary>
    private const ulong DataStreams = 1UL << 62, NoiseStreams = 1UL << 61, EvalStreams = 3UL << 60;

    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    private readonly Dataset? data;
    private readonly float[] host;
    private Tensor batch;
    private BatchShare share = BatchShare.Whole;

    private Flow(Device device, FlowConfig config, Dataset? data)
    {
        config.Validate();
        if (data is not null && data.ExampleSize != config.Dim)
            throw new ArgumentException($"{data.Name}: examples of {data.Channels}×{data.Height}×{data.Width} do not fit a flow on {config.Channels}×{config.Height}×{config.Width}");
        Config = config;
        Device = device;
        this.data = data;
        Network = new FlowNetwork(device, config, new Initializer(config.Seed));
        Optimizer = new Adam(Network.Parameters(), config.LearningRate);
        host = new float[config.Batch * config.Dim];
        batch = Tensor.Zeros(device, config.Batch, config.Dim);
    }

    /// <summary>A new flow; image flows need their training <paramref name="data"/> (toy flows draw their own).</summary>
    public static Flow Create(Device device, FlowConfig config, Dataset? data = null)
    {
        if (!config.IsToy && data is null) throw new ArgumentException($"an image flow needs its training data ({config.Data})");
        return new Flow(device, config, data);
    }

    /// <summary>Restores a run from a checkpoint written by <see cref="Save"/>; pass the data to go on training.</summary>
    public static Flow Load(Device device, string path, Dataset? data = null)
    {
        var run = Checkpoint.Load(path, [FlowConfig.RealNvp, FlowConfig.Nice],
            c => new Flow(device, ConfigJson.Read<FlowConfig>(c), data), r => r.State());
        run.Network.MarkInitialized();
        return run;
    }

    public FlowConfig Config { get; }

    public Device Device { get; }

    public FlowNetwork Network { get; }

    public Adam Optimizer { get; }

    public long Step => Optimizer.StepCount;

    /// <summary>The training objective's unit: bits/dim for images, nats per point for toys.</summary>
    public string LossUnit => Config.IsToy ? "nats" : "bits/dim";

    /// <summary>
    /// One training step on a fresh batch; returns the loss (bits/dim for images, nats for toy points):
    /// −(log N(z; 0, I) + log|det| of the flow and of the logit transform − D·ln 256)/(D·ln 2).
    /// </summary>
    public float TrainStep()
    {
        FillBatch(Step);
        Optimizer.ZeroGrad();
        float loss;
        using (var scope = Device.Step())
        {
            var (nll, offset) = NegativeLogLikelihood(batch, Config.Seed, NoiseStreams | (ulong)Step);
            // Images train on bits/dim as the workload defines it; the scale only changes Adam's view of it slightly (ε).
            var objective = Config.IsToy ? nll : Ops.Scale(nll, (float)(1 / (Config.Dim * Math.Log(2))));
            objective.Backward();
            loss = (float)((nll.Item() + offset) * (Config.IsToy ? 1 : 1 / (Config.Dim * Math.Log(2))));
        }
        // With a decay in the config the rate follows it; without, whatever the caller set stays.
        if (Config.DecaySteps > 0) Optimizer.LearningRate = Config.LearningRateAt(Step);
        Optimizer.Step();
        return loss;
    }

    /// <summary>
    /// Mean negative log-likelihood over the rows of x [N, D] (pixel values 0…255 for images, points for
    /// toys) as a tensor without its constant, and the constant D·½ln 2π to add to its value.
    /// </summary>
    private (Tensor Nll, double Offset) NegativeLogLikelihood(Tensor x, ulong seed, ulong noiseStream)
    {
        int rows = x.Dim(0);
        Tensor input = x, pre = null!;
        if (!Config.IsToy)
        {
            var u = Ops.Uniform(Device, x.Dims.ToArray(), seed, noiseStream, share.Offset(rows, Config.Dim));
            (input, pre) = Ops.DequantizeLogit(x, u, Config.Alpha);
        }
        var (z, logdet) = Network.Forward(input);
        // ½Σz²/N − Σ logdet/N (− Σ logdet_pre/N for images); the −log N constant D·½ln 2π comes back on the host.
        var nll = Ops.Sub(Ops.Scale(Ops.Sum(Ops.Square(z)), 0.5f / rows), Ops.Scale(Ops.Sum(logdet), 1f / rows));
        if (!Config.IsToy) nll = Ops.Sub(nll, Ops.Scale(Ops.Sum(pre), 1f / rows));
        return (nll, Config.Dim * HalfLog2Pi);
    }

    /// <summary>−log p(x) per row in nats, x [N, D] on the host (images: one dequantization draw from <paramref name="seed"/>).</summary>
    public double[] NegativeLogLikelihoods(float[] x, ulong seed, ulong stream = 0)
    {
        int rows = x.Length / Config.Dim;
        using var scope = Device.NoGrad();
        var input = Tensor.FromArray(Device, x, rows, Config.Dim);
        Tensor? pre = null;
        if (!Config.IsToy)
        {
            var u = Ops.Uniform(Device, [rows, Config.Dim], seed, EvalStreams | stream);
            (input, pre) = Ops.DequantizeLogit(input, u, Config.Alpha);
        }
        var (z, logdet) = Network.Forward(input);
        var zs = z.ToArray();
        var ld = logdet.ToArray();
        var ldPre = pre?.ToArray();
        var nll = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double sq = 0;
            for (int d = 0; d < Config.Dim; d++) sq += (double)zs[r * Config.Dim + d] * zs[r * Config.Dim + d];
            nll[r] = 0.5 * sq + Config.Dim * HalfLog2Pi - ld[r] - (ldPre?[r] ?? 0);
        }
        return nll;
    }

    /// <summary>Test bits/dim of an image dataset: mean −log p(v)/(D ln 2) over its examples, in batches.</summary>
    public double BitsPerDim(Dataset test, int maxExamples, ulong seed, Action<int>? progress = null)
    {
        if (Config.IsToy) throw new InvalidOperationException("bits/dim is for image flows; toy flows report nats");
        if (test.ExampleSize != Config.Dim) throw new ArgumentException($"{test.Name}: examples of {test.ExampleSize} values, the flow takes {Config.Dim}");
        int n = Math.Min(maxExamples, test.Count), chunk = 256;
        double sum = 0;
        var buffer = new float[chunk * Config.Dim];
        for (int start = 0; start < n; start += chunk)
        {
            int rows = Math.Min(chunk, n - start);
            var pixels = test.Pixels.Slice(start * Config.Dim, rows * Config.Dim);
            for (int i = 0; i < pixels.Length; i++) buffer[i] = pixels[i];
            foreach (double v in NegativeLogLikelihoods(buffer[..(rows * Config.Dim)], seed, (ulong)start)) sum += v;
            progress?.Invoke(start + rows);
        }
        return sum / n / (Config.Dim * Math.Log(2));
    }

    /// <summary>Mean −log p(x) in nats over n fresh points of the toy distribution (a stream no training batch uses).</summary>
    public double ToyNll(int n, ulong seed) => NegativeLogLikelihoods(DataSample(n, seed), seed).Average();

    /// <summary>n points of the toy distribution from a stream no training batch uses.</summary>
    public float[] DataSample(int n, ulong seed)
    {
        if (!Config.IsToy) throw new InvalidOperationException("only toy flows have a generator to draw from");
        return ToyData.Sample(Config.Data, n, seed, DataStreams - 1);
    }

    /// <summary>
    /// log p(x) of a toy flow on a grid of <paramref name="size"/>² points over [lo, hi]² (row-major, y
    /// from top = hi down to bottom = lo, x from left = lo), for a density heat map.
    /// </summary>
    public float[] LogDensityGrid(int size, float lo, float hi)
    {
        var points = new float[size * size * 2];
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++)
            {
                points[(i * size + j) * 2] = lo + (hi - lo) * (j + 0.5f) / size;
                points[(i * size + j) * 2 + 1] = hi - (hi - lo) * (i + 0.5f) / size;
            }
        var result = new float[size * size];
        int chunk = 4096;
        for (int start = 0; start < size * size; start += chunk)
        {
            int rows = Math.Min(chunk, size * size - start);
            var nll = NegativeLogLikelihoods(points[(start * 2)..((start + rows) * 2)], 0);
            for (int r = 0; r < rows; r++) result[start + r] = (float)-nll[r];
        }
        return result;
    }

    /// <summary>
    /// n samples by the inverse pass from z ~ N(0, T²·I): toy points [n, 2], or images [n, C, H, W] with
    /// pixel intensities in [0, 1] (the logit transform undone: x = (σ(y) − α)/(1 − 2α), clamped).
    /// </summary>
    public float[] Sample(int n, float temperature, ulong seed)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), $"number of samples must be positive, got {n}");
        if (!(temperature >= 0)) throw new ArgumentOutOfRangeException(nameof(temperature), $"temperature must be non-negative, got {temperature}");
        float[] x;
        using (var scope = Device.NoGrad())
        {
            var z = Ops.Gaussian(Device, [n, Config.Dim], seed, 0, 0, 0f, temperature);
            x = Network.Inverse(z).ToArray();
        }
        return ToData(x);
    }

    /// <summary>
    /// The inverse pass's output y as data, in place: toy points as they are; images with the logit
    /// transform undone, x = (σ(y) − α)/(1 − 2α) clamped to [0, 1].
    /// </summary>
    public float[] ToData(float[] y)
    {
        if (!Config.IsToy)
            for (int i = 0; i < y.Length; i++)
            {
                double p = 1 / (1 + Math.Exp(-(double)y[i]));
                y[i] = (float)Math.Clamp((p - Config.Alpha) / (1 - 2 * Config.Alpha), 0, 1);
            }
        return y;
    }

    /// <summary>The run's state as its checkpoints name it: weights, buffers and optimizer state.</summary>
    public StateDict State() => new StateDict(Network).WithOptimizer(Optimizer);

    /// <summary>Trains on <paramref name="share"/> of every batch from now on (data-parallel training), with those rows' noise.</summary>
    public void Share(BatchShare share)
    {
        int rows = share.Rows(Config.Batch);
        batch.Dispose();
        batch = Tensor.Zeros(Device, rows, Config.Dim);
        this.share = share;
    }

    public void Save(string path) => Checkpoint.Save(path, Config.Kind, ConfigJson.Write(Config), Step, State());

    /// <summary>Fills the device batch for step <paramref name="step"/>: random examples (pixel values 0…255), or toy points.</summary>
    private void FillBatch(long step)
    {
        int dim = Config.Dim, rows = batch.Dim(0), first = share.FirstRow(rows);
        if (Config.IsToy)
            ToyData.Fill(Config.Data, host, Config.Seed, DataStreams | (ulong)step);
        else
        {
            var pixels = data!.Pixels;
            for (int b = first; b < first + rows; b++)
            {
                int index = Philox.UniformInt(Philox.Bits(Config.Seed, DataStreams | (ulong)step, (ulong)b), 0, data.Count);
                var row = pixels.Slice(index * dim, dim);
                var dst = host.AsSpan(b * dim, dim);
                for (int d = 0; d < dim; d++) dst[d] = row[d];
            }
        }
        batch.CopyFrom(host.AsSpan(first * dim, rows * dim));
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        Network.Dispose();
        batch.Dispose();
    }
}
