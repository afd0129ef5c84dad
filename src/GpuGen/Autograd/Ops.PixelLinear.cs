using GpuGen.Backends;
using GpuGen.Tensors;

namespace GpuGen.Autograd;

public static partial class Ops
{
    /// <summary>
    /// A 1×1 convolution whose output is laid out pixel-major: y[n·P + p, o] = Σ_c x[n, c, p]·w[o, c] + b[o]
    /// for x [N, C, H, W] (P = H·W), w [O, C], b [O] → y [N·P, O]. That is conv1x1 followed by NCHW → NHWC,
    /// fused into one batched GEMM (yₙ = xₙᵀ·wᵀ), so that a per-pixel softmax over O classes is a plain
    /// row softmax (PixelCNN's 256-way head). Backward: dxₙ += w ᵀ·dyₙᵀ, dw += Σₙ dyₙᵀ·xₙᵀ, db += Σ dy.
    /// </summary>
    public static Tensor PixelLinear(Tensor x, Tensor w, Tensor? b = null)
    {
        if (x.Rank != 4) throw ShapeError("PixelLinear", $"input must be [N, C, H, W], got {x.Describe()}");
        if (w.Rank != 2 || w.Dim(1) != x.Dim(1)) throw ShapeError("PixelLinear", $"weight must be [out, {x.Dim(1)}], got {w.Describe()}");
        int n = x.Dim(0), c = x.Dim(1), p = x.Dim(2) * x.Dim(3), o = w.Dim(0);
        if (b is not null && (b.Rank != 1 || b.Dim(0) != o)) throw ShapeError("PixelLinear", $"bias {b.Describe()} must be [{o}]");
        SameDevice(x, w, "PixelLinear");
        var y = Tensor.Empty(x.Device, [n * p, o]);
        var k = K(x);
        if (b is not null) k.Copy2d(n * p, o, b.Buffer, 0, 0, y.Buffer, 0, o);
        // yₙ [P, O] = xₙᵀ [P, C] · wᵀ [C, O]; w is shared by every n (stride 0).
        k.Gemm(new GemmArgs(true, true, p, o, c, 1f, b is null ? 0f : 1f, p, c, o, n, (long)c * p, 0, (long)p * o), x.Buffer, w.Buffer, y.Buffer);

        return Record(Recording(x, w, b), y, dy =>
        {
            if (x.RequiresGrad)
            {
                var dx = x.GradToWrite(out bool overwrite);
                // dxₙ [C, P] = wᵀ [C, O] · dyₙᵀ [O, P].
                k.Gemm(new GemmArgs(true, true, c, p, o, 1f, overwrite ? 0f : 1f, c, o, p, n, 0, (long)p * o, (long)c * p), w.Buffer, dy.Buffer, dx.Buffer);
            }
            if (w.RequiresGrad)
            {
                // dw [O, C] += dyₙᵀ [O, P] · xₙᵀ [P, C], one GEMM per n (they share the output).
                var dw = w.EnsureGrad().Buffer;
                for (int i = 0; i < n; i++)
                    k.Gemm(new GemmArgs(true, true, o, c, p, 1f, 1f, o, p, c, OffsetA: (long)i * p * o, OffsetB: (long)i * c * p), dy.Buffer, x.Buffer, dw);
            }
            if (b is { RequiresGrad: true }) k.ReduceSum(1, n * p, o, dy.Buffer, b.EnsureGrad().Buffer, 1f, accumulate: true);
        });
    }
}
