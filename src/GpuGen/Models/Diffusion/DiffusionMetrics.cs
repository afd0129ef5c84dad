using GpuGen.Autograd;
using GpuGen.Tensors;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// Held-out measures of an image diffusion model: the ε mean squared error and the variational bound
/// L_vlb in bits per dimension (Ho et al. 2020, eq. 5, with the discretized Gaussian decoder of §3.3;
/// Nichol &amp; Dhariwal 2021, §2). Images are floats in [−1, 1] quantised to 256 levels. A
/// class-conditional model is measured through its "no label" pass, i.e. as the model p(x).
/// </summary>
public static class DiffusionMetrics
{
    /// <summary>Philox streams of the metrics' noise, apart from training's and sampling's.</summary>
    private const ulong EvalStreams = 0x4556_414C_0000_0000;

    /// <summary>
    /// mean (ε̂ − ε)² over <paramref name="count"/> images [count, C, H, W] with t ~ U{0..T−1} and
    /// ε ~ N(0, I) from the seed; for x₀- and v-models ε̂ is derived from the output.
    /// </summary>
    public static double EpsMse(ImageDiffusion model, float[] images, int count, ulong seed, int batch = 64, bool useEma = true)
    {
        int d = Size(model, images, count);
        var device = model.Device;
        var ema = useEma ? model.Ema : null;
        double sum = 0;
        ema?.Swap();
        try
        {
            for (int start = 0; start < count; start += batch)
            {
                int b = Math.Min(batch, count - start);
                using var scope = device.NoGrad();
                var x0 = Tensor.FromSpan(device, images.AsSpan(start * d, b * d), [b, .. model.ImageShape]);
                var t = Ops.UniformInts(device, b, seed, EvalStreams, (ulong)start, 0, model.Schedule.Steps);
                var eps = Ops.Gaussian(device, x0.Dims.ToArray(), seed, EvalStreams + 1, (ulong)start * (ulong)d);
                var xt = model.Trainer.Tables.AddNoise(x0, eps, t);
                var output = Predict(model, xt, t, b);
                var (ts, xs, os, es) = (t.ToIntArray(), xt.ToArray(), output.ToArray(), eps.ToArray());
                for (int i = 0; i < b; i++)
                {
                    var (_, _, c, dd) = Prediction.Coefficients(model.Config.Prediction, model.Schedule.AlphaBars[ts[i]]);
                    for (int k = i * d; k < (i + 1) * d; k++)
                    {
                        double e = c * xs[k] + dd * os[k] - es[k];
                        sum += e * e;
                    }
                }
            }
        }
        finally
        {
            ema?.Swap();
        }
        return sum / ((double)count * d);
    }

    /// <summary>
    /// L_vlb in bits per dimension, averaged over <paramref name="count"/> images:
    /// L_T (prior KL) + Σ_{t=1}^{T−1} KL(q(xₜ₋₁|xₜ,x₀) ‖ p(xₜ₋₁|xₜ)) + L₀ (discretized Gaussian decoder),
    /// with the reverse variance β̃ (fixed small) or β (fixed large; β̃₁ at t = 0 either way) and x̂₀
    /// clipped to [−1, 1]. With <paramref name="timesteps"/> &lt; T − 1 the middle sum is estimated from
    /// that many evenly spaced t (midpoints of equal strata), scaled by (T − 1)/timesteps.
    /// </summary>
    public static double BitsPerDim(ImageDiffusion model, float[] images, int count, ulong seed, int timesteps = 0, int batch = 64,
        bool fixedLarge = false, bool useEma = true, Action<int, int>? progress = null)
    {
        int d = Size(model, images, count);
        var s = model.Schedule;
        int steps = s.Steps;
        int k = timesteps <= 0 ? steps - 1 : Math.Min(timesteps, steps - 1);
        var middle = Enumerable.Range(0, k).Select(j => 1 + (int)((j + 0.5) * (steps - 1) / k)).Distinct().ToArray();
        double scale = (double)(steps - 1) / middle.Length;
        var visit = new List<int> { 0 };
        visit.AddRange(middle);
        var device = model.Device;
        var ema = useEma ? model.Ema : null;
        double nats = 0;
        int done = 0, total = visit.Count * ((count + batch - 1) / batch);
        ema?.Swap();
        try
        {
            for (int start = 0; start < count; start += batch)
            {
                int b = Math.Min(batch, count - start);
                var x0 = images.AsSpan(start * d, b * d).ToArray();
                // L_T = KL(N(√ᾱ_T x₀, 1−ᾱ_T) ‖ N(0, 1)).
                double abarT = s.AlphaBars[steps - 1];
                foreach (float x in x0) nats += GaussianKl(Math.Sqrt(abarT) * x, Math.Log(1 - abarT), 0, 0);
                foreach (int t in visit)
                {
                    using var scope = device.NoGrad();
                    var x0t = Tensor.FromArray(device, x0, [b, .. model.ImageShape]);
                    var tt = Tensor.FromInts(device, Enumerable.Repeat(t, b).ToArray(), b);
                    var eps = Ops.Gaussian(device, x0t.Dims.ToArray(), seed, EvalStreams + 2 + (ulong)t, (ulong)start * (ulong)d);
                    var xt = model.Trainer.Tables.AddNoise(x0t, eps, tt);
                    var xs = xt.ToArray();
                    var os = Predict(model, xt, tt, b).ToArray();
                    nats += (t == 0 ? 1 : scale) * TermNats(s, model.Config.Prediction, t, x0, xs, os, fixedLarge);
                    progress?.Invoke(++done, total);
                }
            }
        }
        finally
        {
            ema?.Swap();
        }
        return nats / ((double)count * d * Math.Log(2));
    }

    /// <summary>The t-th term summed over a batch: −log p(x₀|x₁)-style decoder NLL at t = 0, the posterior KL otherwise (nats).</summary>
    internal static double TermNats(NoiseSchedule s, PredictionType prediction, int t, float[] x0, float[] xt, float[] output, bool fixedLarge)
    {
        double abar = s.AlphaBars[t], abarPrev = s.AlphaBarPrev(t), beta = s.Betas[t];
        var (a, bOut, _, _) = Prediction.Coefficients(prediction, abar);
        double c0 = Math.Sqrt(abarPrev) * beta / (1 - abar), ct = Math.Sqrt(s.Alphas[t]) * (1 - abarPrev) / (1 - abar);
        double logVarP = t == 0 ? s.PosteriorLogVarianceClipped(0) : fixedLarge ? Math.Log(beta) : s.PosteriorLogVarianceClipped(t);
        double logVarQ = t == 0 ? 0 : Math.Log(s.PosteriorVariance(t));
        double sum = 0;
        for (int i = 0; i < x0.Length; i++)
        {
            double hat = Math.Clamp(a * xt[i] + bOut * output[i], -1, 1);
            double meanP = c0 * hat + ct * xt[i];
            sum += t == 0 ? -DiscretizedGaussianLogLikelihood(x0[i], meanP, 0.5 * logVarP) : GaussianKl(c0 * x0[i] + ct * xt[i], logVarQ, meanP, logVarP);
        }
        return sum;
    }

    /// <summary>KL(N(m₁, e^{lv₁}) ‖ N(m₂, e^{lv₂})) for one dimension, in nats.</summary>
    public static double GaussianKl(double mean1, double logVar1, double mean2, double logVar2) =>
        0.5 * (-1 + logVar2 - logVar1 + Math.Exp(logVar1 - logVar2) + (mean1 - mean2) * (mean1 - mean2) * Math.Exp(-logVar2));

    /// <summary>
    /// log P(x) of a pixel x ∈ [−1, 1] on the 256-level grid under N(mean, e^{2·logStd}) integrated over
    /// its bin [x − 1/255, x + 1/255], the edge bins extending to ±∞ (Ho et al. 2020, eq. 13).
    /// </summary>
    public static double DiscretizedGaussianLogLikelihood(double x, double mean, double logStd)
    {
        double invStd = Math.Exp(-logStd);
        double plus = (x - mean + 1.0 / 255) * invStd, minus = (x - mean - 1.0 / 255) * invStd;
        double p = x < -0.999 ? NormalCdf(plus)
            : x > 0.999 ? NormalSurvival(minus)
            : minus > 0 ? NormalSurvival(minus) - NormalSurvival(plus)
            : NormalCdf(plus) - NormalCdf(minus);
        return Math.Log(Math.Max(p, 1e-12));
    }

    /// <summary>Φ(x), accurate in relative terms in the lower tail.</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>1 − Φ(x), accurate in relative terms in the upper tail.</summary>
    public static double NormalSurvival(double x) => 0.5 * Erfc(x / Math.Sqrt(2));

    /// <summary>erfc with fractional error below 1.2·10⁻⁷ everywhere (Numerical Recipes' Chebyshev fit).</summary>
    public static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    private static Tensor Predict(ImageDiffusion model, Tensor xt, Tensor t, int batch)
    {
        if (!model.Conditional) return model.Denoiser.PredictNoise(xt, t);
        var none = new int[batch];
        Array.Fill(none, model.Config.Classes);
        return model.Denoiser.PredictNoise(xt, t, Tensor.FromInts(model.Device, none, batch));
    }

    private static int Size(ImageDiffusion model, float[] images, int count)
    {
        int d = model.ImageShape.Aggregate(1, (p, x) => p * x);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), $"need at least one image, got {count}");
        if (images.Length < (long)count * d) throw new ArgumentException($"{count} images of {d} values need {count * d} floats, got {images.Length}");
        return d;
    }
}
