using ILGPU;
using ILGPU.Runtime;
using GpuGen.Kernels;

namespace GpuGen.Backends.Ilgpu;

// kernels/OptimKernels.cs: fused Adam/AdamW and the EMA of weights.
internal sealed partial class IlgpuKernels
{
    private Action<KernelConfig, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamParams>? adam;
    private Action<KernelConfig, int, ArrayView<float>, ArrayView<float>, float>? ema;

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
        var p = new AdamParams
        {
            Beta1 = args.Beta1,
            Beta2 = args.Beta2,
            Eps = args.Epsilon,
            Step = (float)(args.LearningRate / (double)args.BiasCorrection1),
            InvSqrtBc2 = (float)(1.0 / Math.Sqrt(args.BiasCorrection2)),
            Coupled = args.Decoupled ? 0f : args.WeightDecay,
            Shrink = args.Decoupled ? (float)(1.0 - (double)args.LearningRate * args.WeightDecay) : 1f,
        };
        lock (gate)
            Load(ref adam, nameof(OptimKernels.Adam),
                static a => a.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamParams>(OptimKernels.Adam))
                (Flat(count), count, F(param), F(grad), F(m), F(v), p);
    }

    public void EmaUpdate(long n, DeviceBuffer ema, DeviceBuffer param, float decay)
    {
        int count = Count(n, nameof(n));
        Need(ema, n, nameof(ema));
        Need(param, n, nameof(param));
        if (count == 0) return;
        lock (gate)
            Load(ref this.ema, nameof(OptimKernels.Ema), static a => a.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, float>(OptimKernels.Ema))
                (Flat(count), count, F(ema), F(param), decay);
    }
}
