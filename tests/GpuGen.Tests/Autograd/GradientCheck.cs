using GpuGen.Tensors;
using Xunit.Sdk;

namespace GpuGen.Tests.Autograd;

/// <summary>
/// Checks one op against a float64 reference: the forward output element-wise, and the backward by
/// central finite differences of the reference, L(x) = Σᵢ wᵢ·f(x)ᵢ with random wᵢ, so that
/// ∂L/∂xⱼ ≈ (L(x + h eⱼ) − L(x − h eⱼ)) / 2h. In float64 with h = 1e-6 the difference quotient is
/// accurate to ~1e-9, far below the float32 error of the engine's gradient, so the tolerance below
/// measures the engine alone: |analytic − numeric| ≤ rtol·(|numeric| + scale), scale = the largest
/// |numeric| of that input (so tiny entries are judged against the gradient's size).
/// </summary>
internal static class GradientCheck
{
    public sealed record Input(int[] Shape, double[] Values, bool Differentiable = true, bool Int = false);

    public static Input RandomInput(System.Random rng, params int[] shape) =>
        new(shape, Enumerable.Range(0, (int)Shape.Count(shape)).Select(_ => (double)(float)(rng.NextDouble() * 2 - 1)).ToArray());

    public static Input Positive(System.Random rng, params int[] shape) =>
        new(shape, Enumerable.Range(0, (int)Shape.Count(shape)).Select(_ => (double)(float)(0.2 + rng.NextDouble() * 2)).ToArray());

    /// <summary>Random values kept at least 0.05 away from 0, where ReLU-like functions have a kink.</summary>
    public static Input AwayFromZero(System.Random rng, params int[] shape) =>
        new(shape, Enumerable.Range(0, (int)Shape.Count(shape)).Select(_ =>
        {
            double v = 0.05 + rng.NextDouble();
            return (double)(float)(rng.Next(2) == 0 ? v : -v);
        }).ToArray());

    /// <summary>
    /// The backends a check runs on: "cpu" and "ilgpu-cpu", which every machine has. The GPU devices are
    /// not dropped silently when absent: <see cref="GradientDeviceTests"/> reruns every gradient test on
    /// "cuda:0" and "opencl:0" through <see cref="Only"/>, one row per test, reported skipped with the
    /// reason where the device is missing.
    /// </summary>
    public static IReadOnlyList<string> Devices => Only.Value is { } one ? [one] : Support.TestBackends.Always;

    /// <summary>When set, checks run on this one device instead of <see cref="Support.TestBackends.Always"/>.</summary>
    public static readonly AsyncLocal<string?> Only = new();

    /// <summary>Runs the check on every backend of <see cref="Devices"/>; a failure names the backend.</summary>
    public static void Run(int seed, Input[] inputs, Func<Tensor[], Tensor> op, Func<double[][], double[]> reference,
        double forwardTolerance = 2e-5, double gradientTolerance = 2e-3)
    {
        foreach (string name in Devices)
        {
            var device = new Device(Support.TestBackends.Get(name));   // the backend is shared: only the pool is ours
            try
            {
                RunOn(device, seed, inputs, op, reference, forwardTolerance, gradientTolerance);
            }
            catch (XunitException e)
            {
                throw new XunitException($"on {name}: {e.Message}");
            }
            finally
            {
                device.Pool.Trim();
            }
        }
    }

    private static void RunOn(Device device, int seed, Input[] inputs, Func<Tensor[], Tensor> op, Func<double[][], double[]> reference,
        double forwardTolerance, double gradientTolerance)
    {
        var rng = new System.Random(seed);
        double[] expected = reference(inputs.Select(i => i.Values).ToArray());
        var weights = expected.Select(_ => (double)(float)(rng.NextDouble() * 2 - 1)).ToArray();

        float[] forward;
        var grads = new float[inputs.Length][];
        using (var scope = device.Step())
        {
            var tensors = inputs.Select(i =>
            {
                var t = i.Int
                    ? Tensor.FromInts(device, i.Values.Select(v => (int)v).ToArray(), i.Shape)
                    : Tensor.FromArray(device, i.Values.Select(v => (float)v).ToArray(), i.Shape);
                t.RequiresGrad = i.Differentiable && !i.Int;
                return t;
            }).ToArray();
            var y = op(tensors);
            forward = y.ToArray();
            Assert.True(y.RequiresGrad, "the op's output should require grad when an input does");
            // Seed dL/dy = w and run the tape: exactly the backward of L = Σ w·y.
            y.EnsureGrad().CopyFrom(weights.Select(v => (float)v).ToArray());
            scope.Tape.Run();
            for (int k = 0; k < inputs.Length; k++)
                if (tensors[k].RequiresGrad)
                    grads[k] = tensors[k].Grad?.ToArray() ?? throw new XunitException($"input {k} received no gradient");
        }

        Assert.Equal(expected.Length, forward.Length);
        double scaleF = Math.Max(1, expected.Max(Math.Abs));
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(forward[i] - expected[i]) <= forwardTolerance * (Math.Abs(expected[i]) + scaleF)))
                throw new XunitException($"forward[{i}] = {forward[i]}, reference {expected[i]} (diff {forward[i] - expected[i]:E2})");

        const double h = 1e-6;
        for (int k = 0; k < inputs.Length; k++)
        {
            if (grads[k] is null) continue;
            var values = inputs[k].Values;
            var numeric = new double[values.Length];
            // Every element for small inputs, a random sample of 64 for larger ones.
            var indices = values.Length <= 64 ? Enumerable.Range(0, values.Length).ToArray()
                : Enumerable.Range(0, 64).Select(_ => rng.Next(values.Length)).Distinct().ToArray();
            foreach (int j in indices)
            {
                double saved = values[j];
                values[j] = saved + h;
                double plus = Dot(weights, reference(inputs.Select(i => i.Values).ToArray()));
                values[j] = saved - h;
                double minus = Dot(weights, reference(inputs.Select(i => i.Values).ToArray()));
                values[j] = saved;
                numeric[j] = (plus - minus) / (2 * h);
            }
            double scale = indices.Max(j => Math.Abs(numeric[j]));
            double worst = 0;
            int worstAt = -1;
            foreach (int j in indices)
            {
                double err = Math.Abs(grads[k][j] - numeric[j]) / (Math.Abs(numeric[j]) + scale + 1e-12);
                if (err > worst) (worst, worstAt) = (err, j);
            }
            if (worst > gradientTolerance)
                throw new XunitException($"input {k}: d/dx[{worstAt}] = {grads[k][worstAt]}, finite difference {numeric[worstAt]} (relative error {worst:E2} > {gradientTolerance:E0})");
        }
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}
