using GpuGen.Backends;
using GpuGen.Tensors;

namespace GpuGen.Autograd;

/// <summary>
/// Differentiable operations. Each op is a forward/backward pair written in one place: the forward
/// launches kernels and, when an input requires grad inside a recording <see cref="StepScope"/>,
/// records a closure that accumulates (+=) the inputs' gradients from the output's gradient.
/// Shapes are given in each op's summary; gradients are named d&lt;name&gt;.
/// </summary>
public static partial class Ops
{
    /// <summary>The scope to record on, or null when nothing needs a gradient.</summary>
    private static StepScope? Recording(Tensor a, Tensor? b = null, Tensor? c = null)
    {
        bool any = a.RequiresGrad || (b?.RequiresGrad ?? false) || (c?.RequiresGrad ?? false);
        return any && StepScope.Current is { RecordsGradients: true } scope ? scope : null;
    }

    /// <summary>Marks the output as differentiable and records its backward.</summary>
    private static Tensor Record(StepScope? scope, Tensor y, Action<Tensor> backward)
    {
        if (scope is null) return y;
        y.RequiresGrad = true;
        scope.Tape.Record(() =>
        {
            if (y.Grad is not null) backward(y.Grad);
        });
        return y;
    }

    private static IKernels K(Tensor t) => t.Device.Kernels;

    private static void SameDevice(Tensor a, Tensor b, string op)
    {
        if (!ReferenceEquals(a.Device, b.Device))
            throw new ArgumentException($"{op}: {a.Describe()} is on {a.Device.Name} but {b.Describe()} is on {b.Device.Name}");
    }

    private static void SameShape(Tensor a, Tensor b, string op)
    {
        SameDevice(a, b, op);
        if (!Shape.Equal(a.Dims, b.Dims))
            throw new ArgumentException($"{op}: shapes differ, {a.Describe()} vs {b.Describe()}");
    }

    private static ArgumentException ShapeError(string op, string message) => new($"{op}: {message}");
}
