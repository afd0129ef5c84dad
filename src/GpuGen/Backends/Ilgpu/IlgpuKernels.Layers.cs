using ILGPU;
using ILGPU.Runtime;
using GpuGen.Kernels;

namespace GpuGen.Backends.Ilgpu;

// kernels/LayerKernels.cs (and RandomKernels.Dropout): 2×2 average pooling, nearest ×2 upsampling,
// GroupNorm, BatchNorm, embedding and dropout. Argument checks mirror the CPU twin except that embedding
// indices stay on the device: the kernels turn an index outside the table into NaN rows (forward) or
// skip it (backward) instead of reading the indices back to throw.
internal sealed partial class IlgpuKernels
{
    private Action<KernelConfig, int, int, int, ArrayView<float>, ArrayView<float>>? avgPool, avgPoolBackward;
    private Action<KernelConfig, int, int, ArrayView<float>, ArrayView<float>>? upsample;
    private Action<KernelConfig, int, int, ArrayView<float>, ArrayView<float>, int>? upsampleBackward;
    private Action<KernelConfig, int, int, int, int, float, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? groupNormForward;
    private Action<KernelConfig, int, int, int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? groupNormBackwardData;
    private Action<KernelConfig, int, int, int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? groupNormBackwardAffine;
    private Action<KernelConfig, int, int, int, float, float, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? batchNormForward;
    private Action<KernelConfig, int, int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? batchNormBackward;
    private Action<KernelConfig, int, int, int, ArrayView<int>, ArrayView<float>, ArrayView<float>>? embeddingForward, embeddingBackward;
    private Action<KernelConfig, int, float, float, ulong, ulong, ulong, ArrayView<float>, ArrayView<float>, int>? dropout;

    public void AvgPool2x2(int planes, int height, int width, DeviceBuffer x, DeviceBuffer y)
    {
        long rows = PlaneRows(planes, height, width, height / 2);
        int wo = width / 2;
        if (rows == 0 || wo == 0) return;
        Need(x, Count((long)planes * height * width, "planes·height·width"), nameof(x));
        Need(y, rows * wo, nameof(y));
        lock (gate)
            Load(ref avgPool, nameof(LayerKernels.AvgPool), static a => a.LoadStreamKernel<int, int, int, ArrayView<float>, ArrayView<float>>(LayerKernels.AvgPool))
                (Flat(rows * wo), planes, height, width, F(x), F(y));
    }

    public void AvgPool2x2Backward(int planes, int height, int width, DeviceBuffer dy, DeviceBuffer dx)
    {
        long rows = PlaneRows(planes, height, width, height / 2);
        int wo = width / 2;
        if (rows == 0 || wo == 0) return;
        Need(dy, rows * wo, nameof(dy));
        Need(dx, Count((long)planes * height * width, "planes·height·width"), nameof(dx));
        lock (gate)
            Load(ref avgPoolBackward, nameof(LayerKernels.AvgPoolBackward),
                static a => a.LoadStreamKernel<int, int, int, ArrayView<float>, ArrayView<float>>(LayerKernels.AvgPoolBackward))
                (Flat(rows * wo), planes, height, width, F(dy), F(dx));
    }

    public void UpsampleNearest2x(int planes, int height, int width, DeviceBuffer x, DeviceBuffer y)
    {
        long rows = PlaneRows(planes, height, width, height);
        if (rows == 0 || width == 0) return;
        Need(x, rows * width, nameof(x));
        Need(y, Count(rows * width * 4, "output length"), nameof(y));
        lock (gate)
            Load(ref upsample, nameof(LayerKernels.Upsample), static a => a.LoadStreamKernel<int, int, ArrayView<float>, ArrayView<float>>(LayerKernels.Upsample))
                (Flat(rows * width), (int)rows, width, F(x), F(y));
    }

    public void UpsampleNearest2xBackward(int planes, int height, int width, DeviceBuffer dy, DeviceBuffer dx, bool accumulate = true)
    {
        long rows = PlaneRows(planes, height, width, height);
        if (rows == 0 || width == 0) return;
        Need(dy, Count(rows * width * 4, "output length"), nameof(dy));
        Need(dx, rows * width, nameof(dx));
        lock (gate)
            Load(ref upsampleBackward, nameof(LayerKernels.UpsampleBackward),
                static a => a.LoadStreamKernel<int, int, ArrayView<float>, ArrayView<float>, int>(LayerKernels.UpsampleBackward))
                (Flat(rows * width), (int)rows, width, F(dy), F(dx), Flag(accumulate));
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
        int flags = NormFlags(gamma, beta) | (silu ? LayerKernels.SiluFlag : 0);
        lock (gate)
            Load(ref groupNormForward, nameof(LayerKernels.GroupNormForward),
                static a => a.LoadStreamKernel<int, int, int, int, float, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(LayerKernels.GroupNormForward))
                (Rows(blocks), (int)blocks, groups, cg, spatial, eps, F(x), F(gamma), F(beta), F(y), F(mean), F(rstd), flags);
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
        int flags = NormFlags(gamma, beta) | (silu ? LayerKernels.SiluFlag : 0) | (accumulateDx ? LayerKernels.Accumulate : 0)
            | (dGamma is not null ? LayerKernels.HasDGamma : 0) | (dBeta is not null ? LayerKernels.HasDBeta : 0);
        lock (gate)
        {
            if (dx is not null)
            {
                // One group per (n, g) block: its two sums, then dx over the block.
                Load(ref groupNormBackwardData, nameof(LayerKernels.GroupNormBackwardData),
                    static a => a.LoadStreamKernel<int, int, int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(LayerKernels.GroupNormBackwardData))
                    (Rows(blocks), (int)blocks, groups, cg, spatial, F(x), F(gamma), F(beta), F(mean), F(rstd), F(dy), F(dx), flags);
            }
            if (dGamma is not null || dBeta is not null)
            {
                // One group per channel over its batch·spatial elements: no partials, no atomics.
                Load(ref groupNormBackwardAffine, nameof(LayerKernels.GroupNormBackwardAffine),
                    static a => a.LoadStreamKernel<int, int, int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(LayerKernels.GroupNormBackwardAffine))
                    (Rows(channels), batch, channels, spatial, groups, F(x), F(gamma), F(beta), F(mean), F(rstd), F(dy), F(dGamma), F(dBeta), flags);
            }
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
        int flags = NormFlags(gamma, beta) | (training ? LayerKernels.Training : 0)
            | (runningMean is not null ? LayerKernels.HasRunningMean : 0) | (runningVar is not null ? LayerKernels.HasRunningVar : 0);
        lock (gate)
            Load(ref batchNormForward, nameof(LayerKernels.BatchNormForward),
                static a => a.LoadStreamKernel<int, int, int, float, float, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(LayerKernels.BatchNormForward))
                (Rows(channels), batch, channels, spatial, momentum, eps, F(x), F(gamma), F(beta), F(runningMean), F(runningVar), F(y), F(mean), F(rstd), flags);
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
        int flags = NormFlags(gamma, null) | (training ? LayerKernels.Training : 0) | (dx is not null ? LayerKernels.HasDx : 0)
            | (dGamma is not null ? LayerKernels.HasDGamma : 0) | (dBeta is not null ? LayerKernels.HasDBeta : 0);
        lock (gate)
            Load(ref batchNormBackward, nameof(LayerKernels.BatchNormBackward),
                static a => a.LoadStreamKernel<int, int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(LayerKernels.BatchNormBackward))
                (Rows(channels), batch, channels, spatial, F(x), F(gamma), F(mean), F(rstd), F(dy), F(dx), F(dGamma), F(dBeta), flags);
    }

    public void EmbeddingForward(int rows, int vocab, int dim, DeviceBuffer indices, DeviceBuffer table, DeviceBuffer y)
    {
        if (!EmbeddingSizes(rows, vocab, dim, indices)) return;
        Need(table, Count((long)vocab * dim, "vocab·dim"), nameof(table));
        int n = Count((long)rows * dim, "rows·dim");
        Need(y, n, nameof(y));
        lock (gate)
            Load(ref embeddingForward, nameof(LayerKernels.EmbeddingForward),
                static a => a.LoadStreamKernel<int, int, int, ArrayView<int>, ArrayView<float>, ArrayView<float>>(LayerKernels.EmbeddingForward))
                (Flat(n), rows, vocab, dim, I(indices), F(table), F(y));
    }

    public void EmbeddingBackward(int rows, int vocab, int dim, DeviceBuffer indices, DeviceBuffer dy, DeviceBuffer dTable)
    {
        if (!EmbeddingSizes(rows, vocab, dim, indices)) return;
        Need(dy, Count((long)rows * dim, "rows·dim"), nameof(dy));
        Need(dTable, Count((long)vocab * dim, "vocab·dim"), nameof(dTable));
        lock (gate)
            Load(ref embeddingBackward, nameof(LayerKernels.EmbeddingBackward),
                static a => a.LoadStreamKernel<int, int, int, ArrayView<int>, ArrayView<float>, ArrayView<float>>(LayerKernels.EmbeddingBackward))
                (Flat(dim), rows, vocab, dim, I(indices), F(dy), F(dTable));
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
        float scale = p < 1f ? 1f / (1f - p) : 0f; // the CPU twin's float scale, so kept values match bit for bit
        lock (gate)
            Load(ref dropout, nameof(RandomKernels.Dropout),
                static a => a.LoadStreamKernel<int, float, float, ulong, ulong, ulong, ArrayView<float>, ArrayView<float>, int>(RandomKernels.Dropout))
                (Flat(RandomKernels.Blocks(count, offset)), count, p, scale, seed, stream, offset, F(x), F(y), Flag(accumulate));
    }

    private static int NormFlags(DeviceBuffer? gamma, DeviceBuffer? beta) =>
        (gamma is not null ? LayerKernels.HasGamma : 0) | (beta is not null ? LayerKernels.HasBeta : 0);

    /// <summary>Rows of planes·<paramref name="outRows"/> after the CPU twin's checks.</summary>
    private static long PlaneRows(int planes, int height, int width, int outRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(planes, nameof(planes));
        ArgumentOutOfRangeException.ThrowIfNegative(height, nameof(height));
        ArgumentOutOfRangeException.ThrowIfNegative(width, nameof(width));
        return Count((long)planes * outRows, "planes·rows");
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
}
