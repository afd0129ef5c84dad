using GpuGen.Autograd;
using GpuGen.Data;
using GpuGen.Nn;
using GpuGen.Optim;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.Vae;

/// <summary>
/// A VAE or CVAE run end to end: the network, Adam, the training step (reparameterized z = μ + σ·ε
/// with ε from the engine's Philox Gaussian kernel, reconstruction loss + closed-form KL), the ELBO
/// and an importance-weighted bound for evaluation, sampling (by class for a CVAE), reconstructions,
/// and checkpoints. `gpugen train vae|cvae` drives it; the vae_mlp_step benchmark times it.
/// </summary>
public sealed class Vae : IDisposable
{
    /// <summary>Philox streams of the training noise and of evaluation / sampling (high bits set), apart from the weights'.</summary>
    private const ulong NoiseStreams = 1UL << 61, EvalStreams = 3UL << 60;

    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    private Vae(Device device, VaeConfig config)
    {
        config.Validate();
        Config = config;
        Device = device;
        Network = new VaeNetwork(device, config, new Initializer(config.Seed));
        Optimizer = new Adam(Network.Parameters(), config.LearningRate);
    }

    public static Vae Create(Device device, VaeConfig config) => new(device, config);

    public static Vae Load(Device device, string path)
    {
        return Checkpoint.Load(path, ["vae", "cvae"], c => new Vae(device, ConfigJson.Read<VaeConfig>(c)), r => r.State());
    }

    public VaeConfig Config { get; }

    public Device Device { get; }

    public VaeNetwork Network { get; }

    public Adam Optimizer { get; }

    public long Step => Optimizer.StepCount;

    /// <summary>The rows of each global batch this process trains on; their noise is the global batch's (<see cref="BatchShare"/>).</summary>
    public BatchShare Share { get; set; } = BatchShare.Whole;

    /// <summary>
    /// One training step on images x [N, C, H, W] (binary for the Bernoulli likelihood, in [0, 1] for the
    /// Gaussian) with int labels for a CVAE; returns the negative ELBO in nats per image.
    /// </summary>
    public float TrainStep(Tensor x, int[]? labels = null)
    {
        Optimizer.ZeroGrad();
        float loss;
        using (var scope = Device.Step())
        {
            var (objective, offset) = NegativeElbo(x, labels, Config.Seed, NoiseStreams | (ulong)Step);
            objective.Backward();
            loss = (float)(objective.Item() + offset);
        }
        Optimizer.Step();
        return loss;
    }

    /// <summary>−ELBO averaged over the batch as a tensor without its constant, and that constant (Gaussian likelihood only).</summary>
    private (Tensor Loss, double Offset) NegativeElbo(Tensor x, int[]? labels, ulong seed, ulong stream)
    {
        int n = x.Dim(0);
        var (onehot, labelTensor) = Labels(labels, n);
        var (mu, logvar) = Network.Encode(x);
        var eps = Ops.Gaussian(Device, [n, Config.Latent], seed, stream, Share.Offset(n, Config.Latent));
        var z = Ops.Add(mu, Ops.Mul(Ops.Exp(Ops.Scale(logvar, 0.5f)), eps));
        var output = Network.Decode(z, onehot);
        var target = x.Reshape(n, Config.Dim);
        Tensor recon;
        double offset = 0;
        if (Config.Likelihood == VaeConfig.Bernoulli) recon = Ops.BceWithLogits(output, target, 1f / n);
        else
        {
            // −log N(x; x̂, σ²I) = Σ(x − x̂)²/(2σ²) + D(½ln 2π + ln σ); MseLoss averages over N·D elements.
            float s = Config.GaussianStd;
            recon = Ops.Scale(Ops.MseLoss(output, target), Config.Dim / (2 * s * s));
            offset = Config.Dim * (HalfLog2Pi + Math.Log(s));
        }
        // KL(N(μ, σ²) ‖ N(μ_y, I)) = ½Σ(−log σ² + (μ − μ_y)² + σ² − 1): the N(0, I) kernel applied to μ − μ_y.
        var centred = labelTensor is null ? mu : Ops.Sub(mu, Network.PriorMeansOf(labelTensor));
        var kl = Ops.GaussianKl(centred, logvar, 1f / n);
        return (Ops.Add(recon, kl), offset);
    }

    /// <summary>
    /// Per-image ELBO (one z sample, KL in closed form) and, with k &gt; 1, the importance-weighted bound
    /// log (1/k)Σⱼ p(x, zⱼ)/q(zⱼ|x) (Burda et al. 2016), both in nats, for x [N, D] on the host.
    /// </summary>
    public (double[] Elbo, double[] Iwae) Evaluate(float[] x, int[]? labels, int k, ulong seed, ulong stream)
    {
        int d = Config.Dim, l = Config.Latent, n = x.Length / d;
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), $"importance samples must be positive, got {k}");
        using var scope = Device.NoGrad();
        var (onehot, labelTensor) = Labels(labels, n);
        var xt = Tensor.FromArray(Device, x, n, d);
        var (muT, lvT) = Network.Encode(xt);
        var mu = muT.ToArray();
        var lv = lvT.ToArray();
        var prior = labelTensor is null ? new float[n * l] : Network.PriorMeansOf(labelTensor).ToArray();
        var elbo = new double[n];
        var logW = new double[k][];
        for (int j = 0; j < k; j++)
        {
            var eps = Ops.Gaussian(Device, [n, l], seed, EvalStreams | stream, (ulong)(j * n * l));
            var e = eps.ToArray();
            var z = new float[n * l];
            for (int i = 0; i < z.Length; i++) z[i] = mu[i] + MathF.Exp(0.5f * lv[i]) * e[i];
            var output = Network.Decode(Tensor.FromArray(Device, z, n, l), onehot).ToArray();
            logW[j] = new double[n];
            for (int r = 0; r < n; r++)
            {
                double logPx = LogLikelihood(x.AsSpan(r * d, d), output.AsSpan(r * d, d));
                double logPz = 0, logQz = 0, kl = 0;
                for (int i = r * l; i < (r + 1) * l; i++)
                {
                    double dz = z[i] - prior[i], dm = mu[i] - prior[i];
                    logPz += -0.5 * dz * dz - HalfLog2Pi;
                    logQz += -0.5 * (double)e[i] * e[i] - 0.5 * lv[i] - HalfLog2Pi;
                    kl += 0.5 * (-lv[i] + dm * dm + Math.Exp(lv[i]) - 1);
                }
                if (j == 0) elbo[r] = logPx - kl;
                logW[j][r] = logPx + logPz - logQz;
            }
        }
        var iwae = new double[n];
        for (int r = 0; r < n; r++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < k; j++) max = Math.Max(max, logW[j][r]);
            double sum = 0;
            for (int j = 0; j < k; j++) sum += Math.Exp(logW[j][r] - max);
            iwae[r] = max + Math.Log(sum / k);
        }
        return (elbo, iwae);
    }

    /// <summary>log p(x|z) for one image from the decoder's output (logits or Gaussian means).</summary>
    private double LogLikelihood(ReadOnlySpan<float> x, ReadOnlySpan<float> output)
    {
        double sum = 0;
        if (Config.Likelihood == VaeConfig.Bernoulli)
            for (int i = 0; i < x.Length; i++)
            {
                double a = output[i];
                sum -= Math.Max(a, 0) - a * x[i] + Math.Log(1 + Math.Exp(-Math.Abs(a)));
            }
        else
        {
            double s = Config.GaussianStd;
            for (int i = 0; i < x.Length; i++)
            {
                double diff = x[i] - output[i];
                sum -= diff * diff / (2 * s * s) + HalfLog2Pi + Math.Log(s);
            }
        }
        return sum;
    }

    /// <summary>
    /// n images [n, C, H, W] in [0, 1] (Bernoulli means σ(logits), or Gaussian means) decoded from z ~
    /// N(μ_y, T²·I) — μ_y = 0 for a VAE; a CVAE needs one label per image.
    /// </summary>
    public float[] Sample(int n, int[]? labels, ulong seed, float temperature = 1f)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), $"number of samples must be positive, got {n}");
        using var scope = Device.NoGrad();
        var (onehot, labelTensor) = Labels(labels, n);
        var z = Ops.Gaussian(Device, [n, Config.Latent], seed, EvalStreams - 1, 0, 0f, temperature);
        if (labelTensor is not null) z = Ops.Add(z, Network.PriorMeansOf(labelTensor));
        return Means(Network.Decode(z, onehot));
    }

    /// <summary>Images decoded from given latents z [n, latent] (a latent walk or an interpolation).</summary>
    public float[] Decode(float[] z, int[]? labels)
    {
        int n = z.Length / Config.Latent;
        using var scope = Device.NoGrad();
        var (onehot, _) = Labels(labels, n);
        return Means(Network.Decode(Tensor.FromArray(Device, z, n, Config.Latent), onehot));
    }

    /// <summary>
    /// Images decoded from z = μ_y + ε for given ε [n, latent] (μ_y = 0 for a VAE): latent walks in the
    /// prior's own coordinates, so one ε path shows the same style in every class of a CVAE.
    /// </summary>
    public float[] DecodePrior(float[] eps, int[]? labels)
    {
        int n = eps.Length / Config.Latent;
        if (n < 1 || eps.Length != n * Config.Latent) throw new ArgumentException($"expected n × {Config.Latent} latents, got {eps.Length} values");
        using var scope = Device.NoGrad();
        var (onehot, labelTensor) = Labels(labels, n);
        var z = Tensor.FromArray(Device, eps, n, Config.Latent);
        if (labelTensor is not null) z = Ops.Add(z, Network.PriorMeansOf(labelTensor));
        return Means(Network.Decode(z, onehot));
    }

    /// <summary>The posterior means μ [n, latent] of images x [n, D].</summary>
    public float[] EncodeMeans(float[] x)
    {
        int n = x.Length / Config.Dim;
        using var scope = Device.NoGrad();
        return Network.Encode(Tensor.FromArray(Device, x, n, Config.Dim)).Mu.ToArray();
    }

    /// <summary>Reconstructions (decoded posterior means) of images x [n, D].</summary>
    public float[] Reconstruct(float[] x, int[]? labels) => Decode(EncodeMeans(x), labels);

    /// <summary>The run's state as its checkpoints name it: weights, buffers and optimizer state.</summary>
    public StateDict State() => new StateDict(Network).WithOptimizer(Optimizer);

    public void Save(string path) => Checkpoint.Save(path, Config.Family, ConfigJson.Write(Config), Step, State());

    private float[] Means(Tensor output)
    {
        var v = output.ToArray();
        if (Config.Likelihood == VaeConfig.Bernoulli)
            for (int i = 0; i < v.Length; i++) v[i] = 1f / (1f + MathF.Exp(-v[i]));
        else
            for (int i = 0; i < v.Length; i++) v[i] = Math.Clamp(v[i], 0f, 1f);
        return v;
    }

    /// <summary>One-hot [n, classes] and int labels [n] on the device for a CVAE; nulls for a VAE.</summary>
    private (Tensor? OneHot, Tensor? Labels) Labels(int[]? labels, int n)
    {
        if (!Config.Conditional) return (null, null);
        if (labels is null || labels.Length != n) throw new ArgumentException($"a CVAE needs one label per example ({n}), got {labels?.Length ?? 0}");
        var onehot = new float[n * Config.Classes];
        for (int r = 0; r < n; r++)
        {
            if ((uint)labels[r] >= (uint)Config.Classes) throw new ArgumentOutOfRangeException(nameof(labels), labels[r], $"label of example {r} is outside [0, {Config.Classes})");
            onehot[r * Config.Classes + labels[r]] = 1f;
        }
        return (Tensor.FromArray(Device, onehot, n, Config.Classes), Tensor.FromInts(Device, labels, n));
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        Network.Dispose();
    }
}
