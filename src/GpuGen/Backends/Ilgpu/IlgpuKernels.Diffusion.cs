using ILGPU;
using ILGPU.Runtime;
using GpuGen.Kernels;

namespace GpuGen.Backends.Ilgpu;

// kernels/DiffusionKernels.cs: timestep embedding, q(xₜ|x₀), one reverse step.
internal sealed partial class IlgpuKernels
{
    private Action<KernelConfig, int, int, ArrayView<int>, ArrayView<float>>? timestepEmbedding;
    private Action<KernelConfig, int, int, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, ArrayView<float>, int>? qSample;
    private Action<KernelConfig, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, StepParams>? diffusionStep;

    public void TimestepEmbedding(int batch, int dim, DeviceBuffer t, DeviceBuffer y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch, nameof(batch));
        if (dim < 2 || dim % 2 != 0) throw new ArgumentOutOfRangeException(nameof(dim), dim, "the embedding width must be even and at least 2");
        Need(t, batch, nameof(t));
        Need(y, Count((long)batch * dim, "batch·dim"), nameof(y));
        if (batch == 0) return;
        lock (gate)
            Load(ref timestepEmbedding, nameof(DiffusionKernels.TimestepEmbedding),
                static a => a.LoadStreamKernel<int, int, ArrayView<int>, ArrayView<float>>(DiffusionKernels.TimestepEmbedding))
                (Flat((long)batch * dim / 2), batch, dim / 2, I(t), F(y));
    }

    /// <remarks>
    /// Unlike the CPU twin, a device cannot check the timesteps without a round trip to the host: an
    /// example whose t lies outside the tables gets NaN (the tables are never read out of bounds).
    /// </remarks>
    public void DiffusionQSample(int batch, int perExample, DeviceBuffer x0, DeviceBuffer eps, DeviceBuffer t,
        DeviceBuffer sqrtAlphaBar, DeviceBuffer sqrtOneMinusAlphaBar, DeviceBuffer xt, DeviceBuffer? v = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch, nameof(batch));
        ArgumentOutOfRangeException.ThrowIfNegative(perExample, nameof(perExample));
        int n = Count((long)batch * perExample, "batch·perExample");
        Need(t, batch, nameof(t));
        Need(x0, n, nameof(x0));
        Need(eps, n, nameof(eps));
        Need(xt, n, nameof(xt));
        if (v is not null) Need(v, n, nameof(v));
        ArgumentNullException.ThrowIfNull(sqrtAlphaBar);
        ArgumentNullException.ThrowIfNull(sqrtOneMinusAlphaBar);
        if (n == 0) return;
        int steps = (int)Math.Min(int.MaxValue, Math.Min(sqrtAlphaBar.Length, sqrtOneMinusAlphaBar.Length));
        lock (gate)
            Load(ref qSample, nameof(DiffusionKernels.QSample),
                static a => a.LoadStreamKernel<int, int, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, ArrayView<float>, int>(DiffusionKernels.QSample))
                (Flat(n), batch, perExample, F(x0), F(eps), I(t), F(sqrtAlphaBar), F(sqrtOneMinusAlphaBar), steps, F(xt), F(v), Flag(v is not null));
    }

    public void DiffusionStep(long n, DeviceBuffer xt, DeviceBuffer eps, DeviceBuffer? z, DeviceBuffer xPrev, DeviceBuffer? x0, in DiffusionStepArgs args,
        DeviceBuffer? uncond = null)
    {
        int count = Count(n, nameof(n));
        Need(xt, n, nameof(xt));
        Need(eps, n, nameof(eps));
        Need(xPrev, n, nameof(xPrev));
        if (z is not null) Need(z, n, nameof(z));
        if (x0 is not null) Need(x0, n, nameof(x0));
        if (uncond is not null) Need(uncond, n, nameof(uncond));
        if (count == 0) return;
        var p = new StepParams
        {
            FromXt = args.X0FromXt,
            FromEps = args.X0FromEps,
            Clip = args.Clip,
            PX0 = args.PrevFromX0,
            PXt = args.PrevFromXt,
            PEps = args.PrevFromEps,
            Sigma = args.Sigma,
            EXt = args.EpsFromXt,
            EOut = args.EpsFromOut,
            Guidance = args.Guidance,
            HasUncond = Flag(uncond is not null),
            HasZ = Flag(z is not null),
            HasX0 = Flag(x0 is not null),
        };
        lock (gate)
            Load(ref diffusionStep, nameof(DiffusionKernels.Step),
                static a => a.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, StepParams>(DiffusionKernels.Step))
                (Flat(count), count, F(xt), F(eps), F(uncond), F(z), F(xPrev), F(x0), p);
    }
}
