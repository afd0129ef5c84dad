namespace GpuGen.Backends.Gpu;

// kernels/optim.cl: fused Adam/AdamW and the EMA of weights.
internal sealed partial class GpuKernels
{
    private const string Optim = "optim.cl";

    public void AdamStep(long n, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, in AdamArgs args)
    {
        int count = Count(n, nameof(n));
        if (!(args.BiasCorrection1 > 0f) || !(args.BiasCorrection2 > 0f))
            throw new ArgumentOutOfRangeException(nameof(args), args, "bias corrections 1 − βᵗ must be positive (step t ≥ 1)");
        Need(param, n, nameof(param));
        Need(grad, n, nameof(grad));
        Need(m, n, nameof(m));
        Need(v, n, nameof(v));
        if (count == 0) return;
        // The same float64-folded constants as the CPU twin.
        var a = new KernelArgs();
        a.Int(count);
        a.Buffer(param);
        a.Buffer(grad);
        a.Buffer(m);
        a.Buffer(v);
        a.Float(args.Beta1);
        a.Float(args.Beta2);
        a.Float(args.Epsilon);
        a.Float((float)(args.LearningRate / (double)args.BiasCorrection1));
        a.Float((float)(1.0 / Math.Sqrt(args.BiasCorrection2)));
        a.Float(args.Decoupled ? 0f : args.WeightDecay);
        a.Float(args.Decoupled ? (float)(1.0 - (double)args.LearningRate * args.WeightDecay) : 1f);
        Launch(Optim, "adam_step", LaunchGrid.Linear(count, flat), a);
    }

    public void EmaUpdate(long n, DeviceBuffer ema, DeviceBuffer param, float decay)
    {
        int count = Count(n, nameof(n));
        Need(ema, n, nameof(ema));
        Need(param, n, nameof(param));
        if (count == 0) return;
        var a = new KernelArgs();
        a.Int(count);
        a.Buffer(ema);
        a.Buffer(param);
        a.Float(decay);
        Launch(Optim, "ema_update", LaunchGrid.Linear(count, flat), a);
    }
}
