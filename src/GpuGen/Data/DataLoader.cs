using System.Runtime.ExceptionServices;
using GpuGen.Random;
using GpuGen.Tensors;

namespace GpuGen.Data;

/// <summary>
/// Shuffled, fixed-size batches of a <see cref="Dataset"/> uploaded to a device, epoch after epoch.
/// Everything random comes from Philox under <see cref="DataLoaderOptions.Seed"/>, addressed by
/// (epoch, example), so the same seed gives the same batches on every machine, with or without
/// prefetching and whatever the threads' timing:
/// <list type="bullet">
/// <item>epoch e's order is a Fisher–Yates shuffle whose swap i (from n − 1 down to 1) takes
/// j = UniformInt(bits i of stream <see cref="ShuffleStream"/> + e, 0, i + 1);</item>
/// <item>binarization compares pixel k of example x with the uniform of element x·C·H·W + k of
/// stream <see cref="BinarizeStream"/> + e.</item>
/// </list>
/// With prefetching a background thread prepares the next batch on the host (gather, scale,
/// binarize) while the caller trains on the current one — at most one batch ahead — and
/// <see cref="Next"/> only uploads it. Uploads happen on the caller's thread, which owns the device.
/// </summary>
/// <example>
/// <code>
/// using var loader = new DataLoader(Dataset.Open("fashion-mnist"), device, new DataLoaderOptions { BatchSize = 128, Seed = 1 });
/// for (int step = 0; step &lt; steps; step++)
/// {
///     using var scope = device.Step();
///     var batch = loader.Next();          // batch.Images [128, 1, 28, 28] in [−1, 1], batch.Labels [128]
///     ...
/// }
/// </code>
/// </example>
public sealed class DataLoader : IDisposable
{
    /// <summary>Philox stream of epoch 0's permutation ("SHUF" in the high word); epoch e uses this + e.</summary>
    public const ulong ShuffleStream = 0x5348_5546_0000_0000;

    /// <summary>Philox stream of epoch 0's binarization noise ("BINA"); epoch e uses this + e.</summary>
    public const ulong BinarizeStream = 0x4249_4E41_0000_0000;

    readonly Dataset _data;
    readonly Device _device;
    readonly DataLoaderOptions _options;
    readonly HostBatch _host;

    // Prefetch hand-off: the producer may fill _host after taking _free; the consumer takes _ready,
    // uploads, then gives _free back — so exactly one batch is prepared ahead, in one host buffer.
    readonly SemaphoreSlim _free = new(1);
    readonly SemaphoreSlim _ready = new(0);
    readonly CancellationTokenSource _stop = new();
    readonly Thread? _thread;
    volatile ExceptionDispatchInfo? _error;

    (long Epoch, int Index) _produce;   // next batch to prepare (producer thread, or the caller without prefetch)
    (long Epoch, int Index) _consume;   // next batch Next() returns
    long _permutationEpoch = -1;
    int[] _permutation = [];
    bool _disposed;

    public DataLoader(Dataset data, Device device, DataLoaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(device);
        options ??= new DataLoaderOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize, nameof(options.BatchSize));
        if (data.Count == 0)
            throw new ArgumentException($"{data.Name}: holds no examples", nameof(data));
        if (options.DropLast && data.Count < options.BatchSize)
            throw new ArgumentException(
                $"{data.Name}: {data.Count} examples make no full batch of {options.BatchSize}; use a smaller batch or keep the last batch");
        _data = data;
        _device = device;
        _options = options;
        BatchesPerEpoch = options.DropLast ? data.Count / options.BatchSize : (data.Count + options.BatchSize - 1) / options.BatchSize;
        if (!options.Share.IsWhole && !options.DropLast)
            throw new ArgumentException("a data-parallel loader drops the last partial batch (DropLast), so every process takes an equal share");
        _host = new HostBatch(options.Share.Rows(options.BatchSize), data.ExampleSize);
        ArgumentOutOfRangeException.ThrowIfNegative(options.StartBatch, nameof(options.StartBatch));
        _produce = _consume = (options.StartBatch / BatchesPerEpoch, (int)(options.StartBatch % BatchesPerEpoch));
        if (options.Prefetch)
        {
            _thread = new Thread(Produce) { IsBackground = true, Name = $"GpuGen DataLoader ({data.Name})" };
            _thread.Start();
        }
    }

    public Dataset Dataset => _data;

    public DataLoaderOptions Options => _options;

    /// <summary>Batches in one epoch: ⌊N / B⌋ when dropping the last partial batch, ⌈N / B⌉ when keeping it.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>The epoch of the batch that <see cref="Next"/> returns next.</summary>
    public long Epoch => _consume.Epoch;

    /// <summary>
    /// The next batch, continuing into the next epoch after the last one. Its tensors belong to the
    /// current step scope if there is one; otherwise dispose the batch. Not thread-safe: one caller.
    /// </summary>
    public Batch Next()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _error?.Throw();
        if (_thread is not null)
        {
            _ready.Wait();
            _error?.Throw();
        }
        else
        {
            Prepare(_host, _produce);
            _produce = Advance(_produce);
        }
        try
        {
            if (_host.Position != _consume)
                throw new InvalidOperationException($"data loader out of step: prepared {_host.Position}, expected {_consume}");
            int n = _host.Count;
            var images = Tensor.FromSpan(_device, _host.Images.AsSpan(0, n * _data.ExampleSize), [n, _data.Channels, _data.Height, _data.Width]);
            var labels = _data.HasLabels ? Tensor.FromInts(_device, _host.Labels.AsSpan(0, n), n) : null;
            var batch = new Batch(images, labels, _host.Indices[..n], _consume.Epoch, _consume.Index);
            _consume = Advance(_consume);
            return batch;
        }
        finally
        {
            if (_thread is not null) _free.Release();
        }
    }

    /// <summary>
    /// This loader, from the batch it would return next, giving only <paramref name="share"/> of each
    /// batch (data-parallel training); this one is disposed.
    /// </summary>
    public DataLoader WithShare(BatchShare share)
    {
        long next = _consume.Epoch * BatchesPerEpoch + _consume.Index;
        var shared = new DataLoader(_data, _device, _options with { Share = share, StartBatch = next });
        Dispose();
        return shared;
    }

    /// <summary>The batches left in the current epoch (all of them when called at an epoch's start).</summary>
    public IEnumerable<Batch> NextEpoch()
    {
        long epoch = Epoch;
        while (Epoch == epoch) yield return Next();
    }

    /// <summary>
    /// The order of epoch <paramref name="epoch"/> for a dataset of <paramref name="count"/> examples:
    /// a Philox-driven Fisher–Yates shuffle (see the class remarks), the same on every machine.
    /// </summary>
    public static int[] Permutation(int count, ulong seed, long epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        ulong stream = ShuffleStream + (ulong)epoch;
        for (int i = count - 1; i > 0; i--)
        {
            int j = Philox.UniformInt(Philox.Bits(seed, stream, (ulong)i), 0, i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>Stops the prefetch thread (waiting for it) and frees the host buffer.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Cancel();
        _thread?.Join();
        _stop.Dispose();
        _free.Dispose();
        _ready.Dispose();
    }

    void Produce()
    {
        try
        {
            while (true)
            {
                _free.Wait(_stop.Token);
                Prepare(_host, _produce);
                _produce = Advance(_produce);
                _ready.Release();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _error = ExceptionDispatchInfo.Capture(e);
            _ready.Release();
        }
    }

    (long Epoch, int Index) Advance((long Epoch, int Index) at) =>
        at.Index + 1 < BatchesPerEpoch ? (at.Epoch, at.Index + 1) : (at.Epoch + 1, 0);

    /// <summary>Gathers, scales (or binarizes) batch <paramref name="at"/> into the host buffer.</summary>
    void Prepare(HostBatch host, (long Epoch, int Index) at)
    {
        if (_permutationEpoch != at.Epoch)
        {
            _permutation = _options.Shuffle ? Permutation(_data.Count, _options.Seed, at.Epoch) : Enumerable.Range(0, _data.Count).ToArray();
            _permutationEpoch = at.Epoch;
        }
        int batch = _options.BatchSize, size = _data.ExampleSize;
        int n = Math.Min(batch, _data.Count - at.Index * batch);
        if (!_options.Share.IsWhole) n = _options.Share.Rows(batch);
        int start = at.Index * batch + _options.Share.FirstRow(n);
        var labels = _data.Labels;
        for (int b = 0; b < n; b++)
        {
            int example = _permutation[start + b];
            host.Indices[b] = example;
            if (_data.HasLabels) host.Labels[b] = labels[example];
            var src = _data.Example(example);
            var dst = host.Images.AsSpan(b * size, size);
            switch (_options.Scaling)
            {
                case PixelScaling.MinusOneToOne:
                    for (int k = 0; k < size; k++) dst[k] = (src[k] - 127.5f) / 127.5f;
                    break;
                case PixelScaling.ZeroToOne:
                    for (int k = 0; k < size; k++) dst[k] = src[k] / 255f;
                    break;
                case PixelScaling.Binarized:
                    Binarize(src, dst, _options.Seed, BinarizeStream + (ulong)at.Epoch, (ulong)example * (ulong)size);
                    break;
                default:
                    throw new InvalidOperationException($"unknown pixel scaling {_options.Scaling}");
            }
        }
        host.Count = n;
        host.Position = at;
    }

    /// <summary>dst[k] = 1 if src[k]/255 &gt; u(first + k) else 0, u the Philox uniforms of (seed, stream).</summary>
    static void Binarize(ReadOnlySpan<byte> src, Span<float> dst, ulong seed, ulong stream, ulong first)
    {
        (uint, uint, uint, uint) words = default;
        for (int k = 0; k < src.Length; k++)
        {
            ulong element = first + (ulong)k;
            int lane = (int)(element % 4);
            if (k == 0 || lane == 0) words = Philox.Block(seed, stream, element / 4);
            uint bits = lane switch { 0 => words.Item1, 1 => words.Item2, 2 => words.Item3, _ => words.Item4 };
            dst[k] = src[k] / 255f > Philox.Uniform(bits) ? 1f : 0f;
        }
    }

    sealed class HostBatch(int batchSize, int exampleSize)
    {
        public float[] Images { get; } = new float[(long)batchSize * exampleSize];
        public int[] Labels { get; } = new int[batchSize];
        public int[] Indices { get; } = new int[batchSize];
        public int Count { get; set; }
        public (long Epoch, int Index) Position { get; set; } = (-1, -1);
    }
}
