using GpuGen.Autograd;
using GpuGen.Data;
using GpuGen.Optim;
using GpuGen.Random;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.Gan;

/// <summary>
/// A GAN run end to end (Goodfellow et al. 2014; DCGAN, Radford et al. 2016): generator and
/// discriminator, one Adam each, and the dcgan_step training step — z ~ N(0, I), fake = G(z); D step on
/// BCE(D(real), 1) + BCE(D(fake.detach()), 0) (two separate D passes); G step on the non-saturating
/// BCE(D(fake), 1) with the same fake and the updated D. Options: one-sided label smoothing (the real
/// target), spectral norm on D, R1 on real data; a conditional GAN feeds labels to both networks.
/// </summary>
public sealed class Gan : IDisposable
{
    public const string Family = "gan";

    /// <summary>Philox streams of the seed: z of step s is stream ZStream + s, fake labels LabelStream + s.</summary>
    private const ulong ZStream = 0x475A_0000_0000_0000, LabelStream = 0x474C_0000_0000_0000, SampleStream = 0x4753_0000_0000_0000;

    private Gan(Device device, GanConfig config)
    {
        config.Validate();
        Config = config;
        Device = device;
        Networks = new GanNetworks(device, config);
        OptimizerG = new Adam(G.Parameters(), config.LearningRate, config.Beta1, config.Beta2);
        OptimizerD = new Adam(D.Parameters(), config.LearningRate, config.Beta1, config.Beta2);
    }

    public static Gan Create(Device device, GanConfig config) => new(device, config);

    /// <summary>Restores a run from a checkpoint written by <see cref="Save"/>.</summary>
    public static Gan Load(Device device, string path)
    {
        return Checkpoint.Load(path, [Family], c => new Gan(device, ConfigJson.Read<GanConfig>(c)), r => r.State());
    }

    public GanConfig Config { get; }

    public Device Device { get; }

    public GanNetworks Networks { get; }

    public GanGenerator G => Networks.G;

    public GanDiscriminator D => Networks.D;

    public Adam OptimizerG { get; }

    public Adam OptimizerD { get; }

    public long Step => OptimizerD.StepCount;

    public bool Conditional => Config.Classes > 0;

    /// <summary>Shape of one sample: [1, H, W] for images, [2] for points.</summary>
    public int[] SampleShape => Config.IsMlp ? [2] : [1, Config.Height, Config.Width];

    /// <summary>The run's state as its checkpoints name it: weights, buffers and optimizer state.</summary>
    public StateDict State() => new StateDict(Networks).WithOptimizer(OptimizerG, "g").WithOptimizer(OptimizerD, "d");

    /// <summary>
    /// The rows of each global batch this process trains on; their z and fake labels are the global
    /// batch's (<see cref="BatchShare"/>). BatchNorm normalises over this process's rows only.
    /// </summary>
    public BatchShare Share { get; set; } = BatchShare.Whole;

    public void Save(string path) => Checkpoint.Save(path, Family, ConfigJson.Write(Config), Step, State());

    /// <summary>
    /// One D update and one G update on a batch of real samples ([B, 1, H, W] in [−1, 1], or [B, 2]) and,
    /// for a cGAN, their int labels [B] (fake samples get uniformly drawn classes).
    /// </summary>
    public GanStepResult TrainStep(Tensor real, Tensor? labels = null)
    {
        int n = real.Dim(0);
        if (!Shape.Equal(real.Dims.AsSpan(1), SampleShape))
            throw new ArgumentException($"this GAN trains on [B, {string.Join(", ", SampleShape)}] samples, got {real.Describe()}");
        if (Conditional != labels is not null || (labels is not null && labels.Length != n))
            throw new ArgumentException(Conditional ? $"a conditional GAN needs one label per sample ({n})" : "this GAN is unconditional: it takes no labels");
        if (n < 2) throw new ArgumentException($"a GAN step needs at least 2 samples (BatchNorm), got {n}");
        long step = Step;
        using var outer = Device.Step();
        var z = Latents(n, Config.Seed, ZStream + (ulong)step, Share.FirstRow(n));
        var fakeLabels = Conditional ? RandomLabels(n, Config.Seed, LabelStream + (ulong)step, Share.FirstRow(n)) : null;
        var fake = G.Forward(z, fakeLabels);

        float lossD, dReal, dFake, r1 = 0f;
        using (Device.Step())
        {
            OptimizerD.ZeroGrad();
            var realLogits = D.Forward(real, labels);
            var fakeLogits = D.Forward(fake.Detach(), fakeLabels);
            var loss = Ops.Add(Ops.BceWithLogits(realLogits, Tensor.Full(Device, [n, 1], Config.RealTarget)),
                Ops.BceWithLogits(fakeLogits, Tensor.Zeros(Device, n, 1)));
            loss.Backward();
            if (Config.R1Gamma > 0)
            {
                using var penaltyScope = Device.Step();
                var penalty = D.R1Penalty(real, labels, Config.R1Gamma)
                    ?? throw new InvalidOperationException("this discriminator has no R1 penalty");
                penalty.Backward();
                r1 = penalty.Item();
            }
            OptimizerD.Step();
            lossD = loss.Item();
            dReal = MeanSigmoid(realLogits);
            dFake = MeanSigmoid(fakeLogits);
        }

        OptimizerG.ZeroGrad();
        // D's weights need no gradient in G's step: the backward through D then computes dx only.
        SetRequiresGrad(D, false);
        float lossG;
        try
        {
            var lossGTensor = Ops.BceWithLogits(D.Forward(fake, fakeLabels), Tensor.Full(Device, [n, 1], 1f));
            lossGTensor.Backward();
            lossG = lossGTensor.Item();
        }
        finally
        {
            SetRequiresGrad(D, true);
        }
        OptimizerG.Step();
        return new GanStepResult(lossD, lossG, dReal, dFake, r1);
    }

    /// <summary>
    /// n samples from G in evaluation mode (BatchNorm on its running statistics), z from stream
    /// <paramref name="stream"/> of the seed, so a fixed (seed, stream) gives the same z every time;
    /// returns [n, …] floats (images in [−1, 1]). A cGAN takes one label per sample (empty: i mod classes).
    /// </summary>
    public float[] Sample(int n, ulong seed, ReadOnlySpan<int> labels = default, ulong stream = 0)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), $"number of samples must be positive, got {n}");
        int[]? all = null;
        if (Conditional)
        {
            all = labels.IsEmpty ? Enumerable.Range(0, n).Select(i => i % Config.Classes).ToArray() : labels.ToArray();
            if (all.Length != n) throw new ArgumentException($"{all.Length} labels for {n} samples");
            if (all.Any(l => l < 0 || l >= Config.Classes)) throw new ArgumentException($"labels must lie in 0 … {Config.Classes - 1}");
        }
        else if (!labels.IsEmpty)
        {
            throw new ArgumentException("this GAN is unconditional: it takes no labels");
        }
        G.Eval();
        try
        {
            using var scope = Device.NoGrad();
            var z = Latents(n, seed, SampleStream + stream);
            return G.Forward(z, all is null ? null : Tensor.FromInts(Device, all, n)).ToArray();
        }
        finally
        {
            G.Train();
        }
    }

    /// <summary>G(z) in evaluation mode for given latents z [n, latent] (a latent walk); labels as in <see cref="Sample"/>.</summary>
    public float[] Generate(float[] z, int[]? labels = null)
    {
        int n = z.Length / Config.Latent;
        if (n < 1 || z.Length != n * Config.Latent) throw new ArgumentException($"expected n × {Config.Latent} latents, got {z.Length} values");
        if (Conditional && (labels is null || labels.Length != n)) throw new ArgumentException($"a conditional GAN needs one label per sample ({n}), got {labels?.Length ?? 0}");
        if (!Conditional && labels is not null) throw new ArgumentException("this GAN is unconditional: it takes no labels");
        if (labels is not null && labels.Any(l => l < 0 || l >= Config.Classes)) throw new ArgumentException($"labels must lie in 0 … {Config.Classes - 1}");
        G.Eval();
        try
        {
            using var scope = Device.NoGrad();
            return G.Forward(Tensor.FromArray(Device, z, n, Config.Latent), labels is null ? null : Tensor.FromInts(Device, labels, n)).ToArray();
        }
        finally
        {
            G.Train();
        }
    }

    private Tensor Latents(int n, ulong seed, ulong stream, int firstRow = 0)
    {
        return Ops.Gaussian(Device, [n, Config.Latent], seed, stream, (ulong)firstRow * (ulong)Config.Latent);
    }

    private Tensor RandomLabels(int n, ulong seed, ulong stream, int firstRow = 0)
    {
        var y = new int[n];
        for (int i = 0; i < n; i++) y[i] = Philox.UniformInt(Philox.Bits(seed, stream, (ulong)(firstRow + i)), 0, Config.Classes);
        return Tensor.FromInts(Device, y, n);
    }

    private static float MeanSigmoid(Tensor logits) => (float)logits.ToArray().Average(l => 1 / (1 + Math.Exp(-l)));

    private static void SetRequiresGrad(Nn.Module module, bool on)
    {
        foreach (var p in module.Parameters()) p.RequiresGrad = on;
    }

    public void Dispose()
    {
        OptimizerG.Dispose();
        OptimizerD.Dispose();
        Networks.Dispose();
    }
}
