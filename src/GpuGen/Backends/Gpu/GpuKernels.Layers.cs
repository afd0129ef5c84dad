namespace GpuGen.Backends.Gpu;

// kernels/layers.cl: 2×2 average pooling, nearest ×2 upsampling, GroupNorm, BatchNorm, embedding and
// dropout. Argument checks mirror the CPU twin (CpuKernels.Layers.cs, CpuKernels.Norm.cs) except that
// embedding indices stay on the device: the kernels turn an index outside the table into NaN rows
// (forward) or skip it (backward) instead of reading the indices back to throw.
internal sealed partial class GpuKernels
{
    private const string Layers = "layers.cl";

    public void AvgPool2x2(int planes, int height, int width, DeviceBuffer x, DeviceBuffer y)
    {
        long rows = PlaneRows(planes, height, width, height / 2);
        int wo = width / 2;
        if (rows == 0 || wo == 0) return;
        Need(x, Count((long)planes * height * width, "planes·height·width"), nameof(x));
        Need(y, rows * wo, nameof(y));
        Launch(Layers, "avgpool2x2", LaunchGrid.Planar(wo, rows, Cols2d, Rows2d), PlaneArgs((int)rows, height, width, x, y));
    }

    public void AvgPool2x2Backward(int planes, int height, int width, DeviceBuffer dy, DeviceBuffer dx)
    {
        long rows = PlaneRows(planes, height, width, height / 2);
        int wo = width / 2;
        if (rows == 0 || wo == 0) return;
        Need(dy, rows * wo, nameof(dy));
        Need(dx, Count((long)planes * height * width, "planes·height·width"), nameof(dx));
        Launch(Layers, "avgpool2x2_backward", LaunchGrid.Planar(wo, rows, Cols2d, Rows2d), PlaneArgs((int)rows, height, width, dy, dx));
    }

    public void UpsampleNearest2x(int planes, int height, int width, DeviceBuffer x, DeviceBuffer y)
    {
        long rows = PlaneRows(planes, height, width, height);
        if (rows == 0 || width == 0) return;
        Need(x, rows * width, nameof(x));
        Need(y, Count(rows * width * 4, "output length"), nameof(y));
        var a = new KernelArgs();
        a.Int((int)rows);
        a.Int(width);
        a.Buffer(x);
        a.Buffer(y);
        Launch(Layers, "upsample_nearest2x", LaunchGrid.Planar(width, rows, Cols2d, Rows2d), a);
    }

    public void UpsampleNearest2xBackward(int planes, int height, int width, DeviceBuffer dy, DeviceBuffer dx, bool accumulate = true)
    {
        long rows = PlaneRows(planes, height, width, height);
        if (rows == 0 || width == 0) return;
        Need(dy, Count(rows * width * 4, "output length"), nameof(dy));
        Need(dx, rows * width, nameof(dx));
        var a = new KernelArgs();
        a.Int((int)rows);
        a.Int(width);
        a.Buffer(dy);
        a.Buffer(dx);
        a.Bool(accumulate);
        Launch(Layers, "upsample_nearest2x_backward", LaunchGrid.Planar(width, rows, Cols2d, Rows2d), a);
    }

    public void GroupNormForward(int batch, int channels, int spatial, int groups, float eps,
        DeviceBuffer x, DeviceBuffer? gamma, DeviceBuffer? beta, DeviceBuffer y, DeviceBuffer mean, DeviceBuffer rstd, bool silu = false)
    {
        int cg = GroupSize(batch, channels, spatial, groups);
        long blocks = (long)batch * groups;
        if (blocks == 0) return;
        long n = Count((long)batch * channels * spatial, "batch·channels·spatial");
        Need(x, n, nameof(x));
        Optional(gamma, channels, nameof(gamma));
        Optional(beta, channels, nameof(beta));
        Need(y, n, nameof(y));
        Need(mean, blocks, nameof(mean));
        Need(rstd, blocks, nameof(rstd));
        var a = new KernelArgs();
        a.Int(groups);
        a.Int(cg);
        a.Int(spatial);
        a.Float(eps);
        a.Buffer(x);
        a.Buffer(gamma);
        a.Buffer(beta);
        a.Buffer(y);
        a.Buffer(mean);
        a.Buffer(rstd);
        a.Bool(silu);
        Launch(Layers, "group_norm_forward", LaunchGrid.Groups(blocks, group), a);
    }

    public void GroupNormBackward(int batch, int channels, int spatial, int groups,
        DeviceBuffer x, DeviceBuffer? gamma, DeviceBuffer mean, DeviceBuffer rstd, DeviceBuffer dy,
        DeviceBuffer? dx, DeviceBuffer? dGamma, DeviceBuffer? dBeta, bool accumulateDx = true, bool silu = false, DeviceBuffer? beta = null)
    {
        int cg = GroupSize(batch, channels, spatial, groups);
        long blocks = (long)batch * groups;
        if (blocks == 0 || dx is null && dGamma is null && dBeta is null) return;
        long n = Count((long)batch * channels * spatial, "batch·channels·spatial");
        Need(x, n, nameof(x));
        Optional(gamma, channels, nameof(gamma));
        Need(mean, blocks, nameof(mean));
        Need(rstd, blocks, nameof(rstd));
        Need(dy, n, nameof(dy));
        Optional(dx, n, nameof(dx));
        Optional(dGamma, channels, nameof(dGamma));
        Optional(dBeta, channels, nameof(dBeta));
        if (silu) Optional(beta, channels, nameof(beta));
        else beta = null;
        if (dx is not null)
        {
            // One work-group per (n, g) block: its two sums, then dx over the block.
            var a = new KernelArgs();
            a.Int(groups);
            a.Int(cg);
            a.Int(spatial);
            a.Buffer(x);
            a.Buffer(gamma);
            a.Buffer(mean);
            a.Buffer(rstd);
            a.Buffer(dy);
            a.Buffer(dx);
            a.Bool(accumulateDx);
            a.Bool(silu);
            a.Buffer(beta);
            Launch(Layers, "group_norm_backward_data", LaunchGrid.Groups(blocks, group), a);
        }
        if (dGamma is not null || dBeta is not null)
        {
            // One work-group per channel over its batch·spatial elements: no partials, no atomics.
            var a = new KernelArgs();
            a.Int(batch);
            a.Int(channels);
            a.Int(spatial);
            a.Int(groups);
            a.Buffer(x);
            a.Buffer(mean);
            a.Buffer(rstd);
            a.Buffer(dy);
            a.Buffer(dGamma);
            a.Buffer(dBeta);
            a.Bool(silu);
            a.Buffer(silu ? gamma : null);
            a.Buffer(beta);
            Launch(Layers, "group_norm_backward_affine", LaunchGrid.Groups(channels, group), a);
        }
    }

    public void BatchNormForward(int batch, int channels, int spatial, bool training, float momentum, float eps,
        DeviceBuffer x, DeviceBuffer? gamma, DeviceBuffer? beta, DeviceBuffer? runningMean, DeviceBuffer? runningVar,
        DeviceBuffer y, DeviceBuffer mean, DeviceBuffer rstd)
    {
        NormSizes(batch, channels, spatial);
        long count = (long)batch * spatial;
        if (training && count <= 1 && channels > 0)
            throw new ArgumentException($"batch norm in training mode needs more than one value per channel (batch {batch} × spatial {spatial})", nameof(batch));
        if (!training && (runningMean is null || runningVar is null))
            throw new ArgumentNullException(runningMean is null ? nameof(runningMean) : nameof(runningVar), "evaluation mode normalises with the running statistics");
        if (channels == 0) return;
        long n = Count(count * channels, "batch·channels·spatial");
        Need(x, n, nameof(x));
        Optional(gamma, channels, nameof(gamma));
        Optional(beta, channels, nameof(beta));
        Optional(runningMean, channels, nameof(runningMean));
        Optional(runningVar, channels, nameof(runningVar));
        Need(y, n, nameof(y));
        Need(mean, channels, nameof(mean));
        Need(rstd, channels, nameof(rstd));
        var a = new KernelArgs();
        a.Int(batch);
        a.Int(channels);
        a.Int(spatial);
        a.Bool(training);
        a.Float(momentum);
        a.Float(eps);
        a.Buffer(x);
        a.Buffer(gamma);
        a.Buffer(beta);
        a.Buffer(runningMean);
        a.Buffer(runningVar);
        a.Buffer(y);
        a.Buffer(mean);
        a.Buffer(rstd);
        Launch(Layers, "batch_norm_forward", LaunchGrid.Groups(channels, group), a);
    }

    public void BatchNormBackward(int batch, int channels, int spatial, bool training,
        DeviceBuffer x, DeviceBuffer? gamma, DeviceBuffer mean, DeviceBuffer rstd, DeviceBuffer dy,
        DeviceBuffer? dx, DeviceBuffer? dGamma, DeviceBuffer? dBeta)
    {
        NormSizes(batch, channels, spatial);
        if (channels == 0 || dx is null && dGamma is null && dBeta is null) return;
        long n = Count((long)batch * spatial * channels, "batch·channels·spatial");
        Need(x, n, nameof(x));
        Optional(gamma, channels, nameof(gamma));
        Need(mean, channels, nameof(mean));
        Need(rstd, channels, nameof(rstd));
        Need(dy, n, nameof(dy));
        Optional(dx, n, nameof(dx));
        Optional(dGamma, channels, nameof(dGamma));
        Optional(dBeta, channels, nameof(dBeta));
        var a = new KernelArgs();
        a.Int(batch);
        a.Int(channels);
        a.Int(spatial);
        a.Bool(training);
        a.Buffer(x);
        a.Buffer(gamma);
        a.Buffer(mean);
        a.Buffer(rstd);
        a.Buffer(dy);
        a.Buffer(dx);
        a.Buffer(dGamma);
        a.Buffer(dBeta);
        Launch(Layers, "batch_norm_backward", LaunchGrid.Groups(channels, group), a);
    }

    public void EmbeddingForward(int rows, int vocab, int dim, DeviceBuffer indices, DeviceBuffer table, DeviceBuffer y)
    {
        if (!EmbeddingSizes(rows, vocab, dim, indices)) return;
        Need(table, Count((long)vocab * dim, "vocab·dim"), nameof(table));
        Need(y, Count((long)rows * dim, "rows·dim"), nameof(y));
        var a = EmbeddingArgs(rows, vocab, dim, indices, table, y);
        Launch(Layers, "embedding_forward", LaunchGrid.Planar(dim, rows, Cols2d, Rows2d), a);
    }

    public void EmbeddingBackward(int rows, int vocab, int dim, DeviceBuffer indices, DeviceBuffer dy, DeviceBuffer dTable)
    {
        if (!EmbeddingSizes(rows, vocab, dim, indices)) return;
        Need(dy, Count((long)rows * dim, "rows·dim"), nameof(dy));
        Need(dTable, Count((long)vocab * dim, "vocab·dim"), nameof(dTable));
        var a = EmbeddingArgs(rows, vocab, dim, indices, dy, dTable);
        Launch(Layers, "embedding_backward", LaunchGrid.Linear(dim, flat), a);
    }

    public void DropoutForward(long n, float p, ulong seed, ulong stream, ulong offset, DeviceBuffer x, DeviceBuffer y) =>
        Dropout(n, p, seed, stream, offset, x, y, accumulate: false);

    public void DropoutBackward(long n, float p, ulong seed, ulong stream, ulong offset, DeviceBuffer dy, DeviceBuffer dx) =>
        Dropout(n, p, seed, stream, offset, dy, dx, accumulate: true);

    private void Dropout(long n, float p, ulong seed, ulong stream, ulong offset, DeviceBuffer x, DeviceBuffer y, bool accumulate)
    {
        int count = Count(n, nameof(n));
        if (!(p >= 0f && p <= 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, "the dropout probability must lie in [0, 1]");
        Need(x, n, accumulate ? "dy" : nameof(x));
        Need(y, n, accumulate ? "dx" : nameof(y));
        if (count == 0) return;
        var a = new KernelArgs();
        a.Int(count);
        a.Float(p);
        a.Float(p < 1f ? 1f / (1f - p) : 0f); // the CPU twin's float scale, so kept values match bit for bit
        a.ULong(seed);
        a.ULong(stream);
        a.ULong(offset);
        a.Buffer(x);
        a.Buffer(y);
        a.Bool(accumulate);
        ulong blocks = (offset + (ulong)count - 1) / 4 - offset / 4 + 1;
        Launch(Layers, "dropout", LaunchGrid.Linear((long)blocks, flat), a);
    }

    /// <summary>Rows of the 2-D launch (planes·<paramref name="outRows"/>) after the CPU twin's checks.</summary>
    private static long PlaneRows(int planes, int height, int width, int outRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(planes, nameof(planes));
        ArgumentOutOfRangeException.ThrowIfNegative(height, nameof(height));
        ArgumentOutOfRangeException.ThrowIfNegative(width, nameof(width));
        return Count((long)planes * outRows, "planes·rows");
    }

    private static KernelArgs PlaneArgs(int rows, int height, int width, DeviceBuffer src, DeviceBuffer dst)
    {
        var a = new KernelArgs();
        a.Int(rows);
        a.Int(height);
        a.Int(width);
        a.Buffer(src);
        a.Buffer(dst);
        return a;
    }

    private static int GroupSize(int batch, int channels, int spatial, int groups)
    {
        NormSizes(batch, channels, spatial);
        if (groups <= 0 || channels % groups != 0)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"the number of groups must be positive and divide the {channels} channels");
        return channels / groups;
    }

    private static void NormSizes(int batch, int channels, int spatial)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch, nameof(batch));
        ArgumentOutOfRangeException.ThrowIfNegative(channels, nameof(channels));
        ArgumentOutOfRangeException.ThrowIfNegative(spatial, nameof(spatial));
    }

    private static void Optional(DeviceBuffer? buffer, long need, string name)
    {
        if (buffer is not null) Need(buffer, need, name);
    }

    /// <summary>The CPU twin's size checks; false when there is nothing to do.</summary>
    private static bool EmbeddingSizes(int rows, int vocab, int dim, DeviceBuffer indices)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows, nameof(rows));
        ArgumentOutOfRangeException.ThrowIfNegative(vocab, nameof(vocab));
        ArgumentOutOfRangeException.ThrowIfNegative(dim, nameof(dim));
        Need(indices, rows, nameof(indices));
        return rows > 0 && dim > 0;
    }

    private static KernelArgs EmbeddingArgs(int rows, int vocab, int dim, DeviceBuffer indices, DeviceBuffer src, DeviceBuffer dst)
    {
        var a = new KernelArgs();
        a.Int(rows);
        a.Int(vocab);
        a.Int(dim);
        a.Buffer(indices);
        a.Buffer(src);
        a.Buffer(dst);
        return a;
    }
}
