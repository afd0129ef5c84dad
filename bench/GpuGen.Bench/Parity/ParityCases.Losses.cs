namespace GpuGen.Bench.Parity;

public static partial class ParityCases
{
    private static IEnumerable<ParityCase> Losses()
    {
        var rng = new HostRandom(1400);
        const float scale = 1f / N, dLoss = 0.8f;
        var (pred, target, grad0, grad1) = (rng.Normal(N), rng.Normal(N), rng.Normal(N), rng.Normal(N));
        yield return Case("MseLoss", $"n={N}", ParityTolerance.Sum, s => Loss(s, l => s.K.MseLoss(N, s.In(pred), s.In(target), l, scale)));
        yield return Case("MseLossBackward", $"n={N} +=", ParityTolerance.Exact, s =>
        {
            var d = s.In(grad0);
            s.K.MseLossBackward(N, s.In(pred), s.In(target), s.In([dLoss]), d, scale);
            return [s.Read(d)];
        });
        var (logits, targets) = (rng.Normal(N, 3f), rng.Uniform(N, 0f, 1f));
        yield return Case("BceWithLogitsLoss", $"n={N}", ParityTolerance.Sum, s => Loss(s, l => s.K.BceWithLogitsLoss(N, s.In(logits), s.In(targets), l, scale)));
        yield return Case("BceWithLogitsLossBackward", $"n={N} +=", ParityTolerance.Transcendental, s =>
        {
            var d = s.In(grad0);
            s.K.BceWithLogitsLossBackward(N, s.In(logits), s.In(targets), s.In([dLoss]), d, scale);
            return [s.Read(d)];
        });
        const int rows = 13, cols = 37;
        var (scores, labels, dScores) = (rng.Normal(rows * cols, 2f), rng.Ints(rows, 0, cols), rng.Normal(rows * cols));
        yield return Case("SoftmaxCrossEntropy", $"{rows}×{cols}", ParityTolerance.Sum,
            s => Loss(s, l => s.K.SoftmaxCrossEntropy(rows, cols, s.In(scores), s.In(labels), l, 1f / rows)));
        yield return Case("SoftmaxCrossEntropyBackward", $"{rows}×{cols} +=", ParityTolerance.Transcendental, s =>
        {
            var d = s.In(dScores);
            s.K.SoftmaxCrossEntropyBackward(rows, cols, s.In(scores), s.In(labels), s.In([dLoss]), d, 1f / rows);
            return [s.Read(d)];
        });
        var (mu, logvar) = (rng.Normal(N), rng.Normal(N, 0.7f));
        yield return Case("GaussianKl", $"n={N}", ParityTolerance.Sum, s => Loss(s, l => s.K.GaussianKl(N, s.In(mu), s.In(logvar), l, scale)));
        yield return Case("GaussianKlBackward", $"n={N} +=", ParityTolerance.Transcendental, s =>
        {
            var (dMu, dLogvar) = (s.In(grad0), s.In(grad1));
            s.K.GaussianKlBackward(N, s.In(mu), s.In(logvar), s.In([dLoss]), dMu, dLogvar, scale);
            return [s.Read(dMu), s.Read(dLogvar)];
        });
    }

    /// <summary>Runs a loss kernel into a poisoned [1] buffer and reads the scalar.</summary>
    private static float[][] Loss(ParitySide s, Action<Backends.DeviceBuffer> launch)
    {
        var loss = s.Poisoned(1);
        launch(loss);
        return [s.Read(loss)];
    }
}
