using GpuGen.Backends;
using GpuGen.Tensors;

namespace GpuGen.Autograd;

// The non-convolution layers of the UNet / GAN stack. Images are NCHW.
public static partial class Ops
{
    /// <summary>
    /// y[N,C,H/2,W/2] = mean of each 2×2 window of x[N,C,H,W] (stride 2; an odd last row or column is
    /// dropped, as PyTorch floors). Backward: each window's four dx += ¼·dy.
    /// </summary>
    public static Tensor AvgPool2x2(Tensor x)
    {
        var (planes, h, w) = Planes(x, "AvgPool2x2");
        if (h < 2 || w < 2) throw ShapeError("AvgPool2x2", $"{x.Describe()} is smaller than the 2×2 window");
        var shape = x.Dims.ToArray();
        shape[^2] = h / 2;
        shape[^1] = w / 2;
        var y = Tensor.Empty(x.Device, shape);
        var k = K(x);
        k.AvgPool2x2(planes, h, w, x.Buffer, y.Buffer);
        return Record(Recording(x), y, dy => k.AvgPool2x2Backward(planes, h, w, dy.Buffer, x.EnsureGrad().Buffer));
    }

    /// <summary>y[N,C,2H,2W] = x[n, c, i/2, j/2] (nearest neighbour). Backward: dx += Σ of dy over each 2×2 block.</summary>
    public static Tensor UpsampleNearest2x(Tensor x)
    {
        var (planes, h, w) = Planes(x, "UpsampleNearest2x");
        var shape = x.Dims.ToArray();
        shape[^2] = 2 * h;
        shape[^1] = 2 * w;
        var y = Tensor.Empty(x.Device, shape);
        var k = K(x);
        k.UpsampleNearest2x(planes, h, w, x.Buffer, y.Buffer);
        return Record(Recording(x), y, dy =>
        {
            var dx = x.GradToWrite(out bool overwrite);
            k.UpsampleNearest2xBackward(planes, h, w, dy.Buffer, dx.Buffer, accumulate: !overwrite);
        });
    }

    /// <summary>
    /// y[N,C,…] = x[N,C,…] + b[N,C] broadcast over the spatial axes: "h + Linear(temb)[:, :, None, None]"
    /// of a diffusion ResBlock. Backward: dx += dy; db[n,c] += Σ over the spatial axes of dy.
    /// </summary>
    public static Tensor AddChannelBias(Tensor x, Tensor b)
    {
        SameDevice(x, b, "AddChannelBias");
        if (x.Rank < 2 || b.Rank != 2 || b.Dim(0) != x.Dim(0) || b.Dim(1) != x.Dim(1))
            throw ShapeError("AddChannelBias", $"needs x [N,C,…] and b [N,C], got {x.Describe()} and {b.Describe()}");
        int rows = x.Dim(0) * x.Dim(1), cols = checked((int)(x.Length / Math.Max(1, rows)));
        var y = Tensor.Empty(x.Device, x.Dims);
        var k = K(x);
        k.Binary(BinaryOp.Add, rows, cols, x.Buffer, b.Buffer, Broadcast.Column, y.Buffer);
        return Record(Recording(x, b), y, dy =>
        {
            if (x.RequiresGrad)
            {
                var dx = x.GradToWrite(out bool overwrite);
                k.Axpby(x.Length, 1f, dy.Buffer, overwrite ? 0f : 1f, dx.Buffer);
            }
            if (b.RequiresGrad)
            {
                var db = b.GradToWrite(out bool overwrite);
                k.ReduceSum(rows, cols, 1, dy.Buffer, db.Buffer, 1f, accumulate: !overwrite);
            }
        });
    }

    /// <summary>
    /// Group normalization (Wu &amp; He 2018) of x [N,C,…] in <paramref name="groups"/> groups of C/groups
    /// channels, then y = x̂·γ[c] + β[c] (γ, β [C], optional). Backward: see
    /// <see cref="IKernels.GroupNormBackward"/>; mean and rstd [N, groups] are kept for it.
    /// </summary>
    public static Tensor GroupNorm(Tensor x, int groups, Tensor? gamma, Tensor? beta, float eps = 1e-5f) =>
        GroupNorm(x, groups, gamma, beta, eps, silu: false);

    /// <summary>
    /// SiLU(GroupNorm(x)), the norm–activation pair of a diffusion ResBlock, as one kernel pass that never
    /// writes the normalised x. Backward: GroupNorm's, with dy·SiLU′(y) for dy (y recomputed in the same
    /// pass), so neither SiLU's input nor its gradient is ever stored.
    /// </summary>
    public static Tensor GroupNormSilu(Tensor x, int groups, Tensor? gamma, Tensor? beta, float eps = 1e-5f) =>
        GroupNorm(x, groups, gamma, beta, eps, silu: true);

    private static Tensor GroupNorm(Tensor x, int groups, Tensor? gamma, Tensor? beta, float eps, bool silu)
    {
        var (batch, channels, spatial) = Channels(x, gamma, beta, "GroupNorm");
        if (groups <= 0 || channels % groups != 0)
            throw ShapeError("GroupNorm", $"{groups} groups do not divide the {channels} channels of {x.Describe()}");
        var y = Tensor.Empty(x.Device, x.Dims);
        var mean = Tensor.Empty(x.Device, [batch, groups]);
        var rstd = Tensor.Empty(x.Device, [batch, groups]);
        var k = K(x);
        k.GroupNormForward(batch, channels, spatial, groups, eps, x.Buffer, gamma?.Buffer, beta?.Buffer, y.Buffer, mean.Buffer, rstd.Buffer, silu);
        var scope = Recording(x, gamma, beta);
        if (scope is null) return Discard(y, mean, rstd);
        return Record(scope, y, dy =>
        {
            bool overwrite = false;
            var dx = x.RequiresGrad ? x.GradToWrite(out overwrite) : null;
            k.GroupNormBackward(batch, channels, spatial, groups, x.Buffer, gamma?.Buffer, mean.Buffer, rstd.Buffer,
                dy.Buffer, dx?.Buffer,
                gamma is { RequiresGrad: true } ? gamma.EnsureGrad().Buffer : null,
                beta is { RequiresGrad: true } ? beta.EnsureGrad().Buffer : null,
                accumulateDx: !overwrite, silu: silu, beta: silu ? beta?.Buffer : null);
        });
    }

    /// <summary>
    /// Batch normalization (Ioffe &amp; Szegedy 2015) of x [N,C,…] per channel, like torch's BatchNorm2d.
    /// Training: batch statistics, and the running ones (long-lived [C] tensors, updated in place when
    /// given) move by <paramref name="momentum"/> towards the batch mean and unbiased variance.
    /// Evaluation: the running statistics normalise and stay unchanged. y = x̂·γ[c] + β[c] (optional).
    /// Backward: see <see cref="IKernels.BatchNormBackward"/>.
    /// </summary>
    public static Tensor BatchNorm2d(Tensor x, Tensor? gamma, Tensor? beta, Tensor? runningMean, Tensor? runningVar,
        bool training, float momentum = 0.1f, float eps = 1e-5f)
    {
        var (batch, channels, spatial) = Channels(x, gamma, beta, "BatchNorm2d");
        foreach (var stat in new[] { runningMean, runningVar })
            if (stat is not null && (stat.Rank != 1 || stat.Dim(0) != channels))
                throw ShapeError("BatchNorm2d", $"running statistic {stat.Describe()} must be [{channels}]");
        if (!training && (runningMean is null || runningVar is null))
            throw ShapeError("BatchNorm2d", "evaluation mode needs the running mean and variance");
        if (training && (long)batch * spatial <= 1)
            throw ShapeError("BatchNorm2d", $"training needs more than one value per channel, got {x.Describe()}");
        var y = Tensor.Empty(x.Device, x.Dims);
        var mean = Tensor.Empty(x.Device, [channels]);
        var rstd = Tensor.Empty(x.Device, [channels]);
        var k = K(x);
        k.BatchNormForward(batch, channels, spatial, training, momentum, eps, x.Buffer, gamma?.Buffer, beta?.Buffer,
            runningMean?.Buffer, runningVar?.Buffer, y.Buffer, mean.Buffer, rstd.Buffer);
        var scope = Recording(x, gamma, beta);
        if (scope is null) return Discard(y, mean, rstd);
        return Record(scope, y, dy => k.BatchNormBackward(batch, channels, spatial, training, x.Buffer, gamma?.Buffer, mean.Buffer, rstd.Buffer,
            dy.Buffer, x.RequiresGrad ? x.EnsureGrad().Buffer : null,
            gamma is { RequiresGrad: true } ? gamma.EnsureGrad().Buffer : null,
            beta is { RequiresGrad: true } ? beta.EnsureGrad().Buffer : null));
    }

    /// <summary>
    /// y[…, D] = table[indices[…], :] for int indices of any shape and table [V, D].
    /// Backward: dtable[indices[r]] += dy[r] (repeated indices add up).
    /// </summary>
    public static Tensor Embedding(Tensor indices, Tensor table)
    {
        indices.RequireType(DType.Int32);
        table.RequireType(DType.Float32);
        SameDevice(indices, table, "Embedding");
        if (table.Rank != 2) throw ShapeError("Embedding", $"table must be [vocab, dim], got {table.Describe()}");
        int rows = checked((int)indices.Length), vocab = table.Dim(0), dim = table.Dim(1);
        var y = Tensor.Empty(table.Device, [.. indices.Dims, dim]);
        var k = K(table);
        k.EmbeddingForward(rows, vocab, dim, indices.Buffer, table.Buffer, y.Buffer);
        return Record(Recording(table), y, dy => k.EmbeddingBackward(rows, vocab, dim, indices.Buffer, dy.Buffer, table.EnsureGrad().Buffer));
    }

    /// <summary>
    /// Inverted dropout: in training each element is zeroed with probability p and the rest scaled by
    /// 1/(1 − p), the mask drawn from Philox (seed, stream, offset + i), so a step is reproducible and
    /// the backward redraws the mask instead of storing it. Not training (or p = 0): x itself.
    /// </summary>
    public static Tensor Dropout(Tensor x, float p, ulong seed, ulong stream, bool training, ulong offset = 0)
    {
        x.RequireType(DType.Float32);
        if (!(p >= 0f && p <= 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: the probability must lie in [0, 1]");
        if (!training || p == 0f) return x;
        var y = Tensor.Empty(x.Device, x.Dims);
        var k = K(x);
        k.DropoutForward(x.Length, p, seed, stream, offset, x.Buffer, y.Buffer);
        return Record(Recording(x), y, dy => k.DropoutBackward(x.Length, p, seed, stream, offset, dy.Buffer, x.EnsureGrad().Buffer));
    }

    /// <summary>An NCHW tensor as planes of [H, W] (N·C planes; any leading axes count).</summary>
    private static (int Planes, int H, int W) Planes(Tensor x, string op)
    {
        x.RequireType(DType.Float32);
        if (x.Rank < 3) throw ShapeError(op, $"needs an image tensor [N,C,H,W], got {x.Describe()}");
        int h = x.Dim(-2), w = x.Dim(-1);
        return (checked((int)(x.Length / Math.Max(1L, (long)h * w))), h, w);
    }

    /// <summary>x [N,C,…] as (N, C, spatial), with γ and β checked to be [C].</summary>
    private static (int Batch, int Channels, int Spatial) Channels(Tensor x, Tensor? gamma, Tensor? beta, string op)
    {
        x.RequireType(DType.Float32);
        if (x.Rank < 2) throw ShapeError(op, $"needs x [N,C,…], got {x.Describe()}");
        int batch = x.Dim(0), channels = x.Dim(1);
        foreach (var p in new[] { gamma, beta })
        {
            if (p is null) continue;
            SameDevice(x, p, op);
            if (p.Rank != 1 || p.Dim(0) != channels) throw ShapeError(op, $"affine parameter {p.Describe()} must be [{channels}] for {x.Describe()}");
        }
        return (batch, channels, checked((int)(x.Length / Math.Max(1L, (long)batch * channels))));
    }

    /// <summary>Returns the saved statistics to the pool at once when no backward will read them.</summary>
    private static Tensor Discard(Tensor y, Tensor mean, Tensor rstd)
    {
        mean.Dispose();
        rstd.Dispose();
        return y;
    }
}
