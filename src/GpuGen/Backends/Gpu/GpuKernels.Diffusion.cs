namespace GpuGen.Backends.Gpu;

// kernels/diffusion.cl: timestep embedding, q(xₜ|x₀), one reverse step.
internal sealed partial class GpuKernels
{
    private const string Diffusion = "diffusion.cl";

    public void TimestepEmbedding(int batch, int dim, DeviceBuffer t, DeviceBuffer y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch, nameof(batch));
        if (dim < 2 || dim % 2 != 0) throw new ArgumentOutOfRangeException(nameof(dim), dim, "the embedding width must be even and at least 2");
        Need(t, batch, nameof(t));
        Need(y, Count((long)batch * dim, "batch·dim"), nameof(y));
        if (batch == 0) return;
        var a = new KernelArgs();
        a.Int(batch);
        a.Int(dim / 2);
        a.Buffer(t);
        a.Buffer(y);
        Launch(Diffusion, "timestep_embedding", LaunchGrid.Planar(dim / 2, batch, Cols2d, Rows2d), a);
    }

    /// <remarks>
    /// Unlike the CPU twin, a device cannot check the timesteps without a round trip to the host:
    /// an example whose t lies outside the tables gets NaN (the tables are never read out of bounds).
    /// </remarks>
    public void DiffusionQSample(int batch, int perExample, DeviceBuffer x0, DeviceBuffer eps, DeviceBuffer t,
        DeviceBuffer sqrtAlphaBar, DeviceBuffer sqrtOneMinusAlphaBar, DeviceBuffer xt, DeviceBuffer? v = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch, nameof(batch));
        ArgumentOutOfRangeException.ThrowIfNegative(perExample, nameof(perExample));
        long n = Count((long)batch * perExample, "batch·perExample");
        Need(t, batch, nameof(t));
        Need(x0, n, nameof(x0));
        Need(eps, n, nameof(eps));
        Need(xt, n, nameof(xt));
        if (v is not null) Need(v, n, nameof(v));
        ArgumentNullException.ThrowIfNull(sqrtAlphaBar);
        ArgumentNullException.ThrowIfNull(sqrtOneMinusAlphaBar);
        if (n == 0) return;
        var a = new KernelArgs();
        a.Int(batch);
        a.Int(perExample);
        a.Buffer(x0);
        a.Buffer(eps);
        a.Buffer(t);
        a.Buffer(sqrtAlphaBar);
        a.Buffer(sqrtOneMinusAlphaBar);
        a.Int((int)Math.Min(int.MaxValue, Math.Min(sqrtAlphaBar.Length, sqrtOneMinusAlphaBar.Length)));
        a.Buffer(xt);
        a.Buffer(v);
        a.Bool(v is not null);
        Launch(Diffusion, "q_sample", LaunchGrid.Planar(perExample, batch, Cols2d, Rows2d), a);
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
        var a = new KernelArgs();
        a.Int(count);
        a.Buffer(xt);
        a.Buffer(eps);
        a.Buffer(uncond);
        a.Buffer(z);
        a.Buffer(xPrev);
        a.Buffer(x0);
        a.Bool(uncond is not null);
        a.Bool(z is not null);
        a.Bool(x0 is not null);
        a.Float(args.X0FromXt);
        a.Float(args.X0FromEps);
        a.Float(args.Clip);
        a.Float(args.PrevFromX0);
        a.Float(args.PrevFromXt);
        a.Float(args.PrevFromEps);
        a.Float(args.Sigma);
        a.Float(args.EpsFromXt);
        a.Float(args.EpsFromOut);
        a.Float(args.Guidance);
        Launch(Diffusion, "diffusion_step", LaunchGrid.Linear(count, flat), a);
    }
}
