using GpuGen.Data;
using GpuGen.Tensors;

namespace GpuGen.Tests.Data;

public sealed class DataLoaderTests : IDisposable
{
    readonly Device _device = Device.Cpu();

    public void Dispose() => _device.Dispose();

    /// <summary>
    /// N examples of 1×2×3 whose first two pixels spell the example's index (low byte, high byte),
    /// labelled index mod 7 — so a batch's content can be checked against the indices it claims.
    /// </summary>
    static Dataset Numbered(int n, bool labelled = true)
    {
        var pixels = new byte[n * 6];
        for (int i = 0; i < n; i++)
        {
            pixels[6 * i] = (byte)(i & 255);
            pixels[6 * i + 1] = (byte)(i >> 8);
            pixels[6 * i + 5] = 255;
        }
        var labels = labelled ? Enumerable.Range(0, n).Select(i => i % 7).ToArray() : null;
        return new Dataset(pixels, n, 1, 2, 3, labels, name: "numbered");
    }

    /// <summary>The example indices that a ZeroToOne batch's pixels spell.</summary>
    static int[] Decode(Batch batch)
    {
        var x = batch.Images.ToArray();
        Assert.Equal([batch.Count, 1, 2, 3], batch.Images.Shape);
        return Enumerable.Range(0, batch.Count)
            .Select(b => (int)MathF.Round(x[6 * b] * 255) + 256 * (int)MathF.Round(x[6 * b + 1] * 255))
            .ToArray();
    }

    List<int[]> Epoch(DataLoader loader)
    {
        var batches = new List<int[]>();
        foreach (var batch in loader.NextEpoch())
        {
            using (batch)
            {
                var indices = Decode(batch);
                Assert.Equal(batch.Indices, indices);
                Assert.Equal(indices.Select(i => i % 7), batch.Labels!.ToIntArray());
                Assert.Equal(DType.Int32, batch.Labels.DType);
                batches.Add(indices);
            }
        }
        return batches;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void KeepLastVisitsEveryExampleOncePerEpoch(bool prefetch)
    {
        using var loader = new DataLoader(Numbered(1003), _device,
            new DataLoaderOptions { BatchSize = 100, Seed = 5, DropLast = false, Scaling = PixelScaling.ZeroToOne, Prefetch = prefetch });
        Assert.Equal(11, loader.BatchesPerEpoch);
        var orders = new List<int[]>();
        for (int e = 0; e < 3; e++)
        {
            Assert.Equal(e, loader.Epoch);
            var batches = Epoch(loader);
            Assert.Equal(11, batches.Count);
            Assert.All(batches[..10], b => Assert.Equal(100, b.Length));
            Assert.Equal(3, batches[10].Length);
            var all = batches.SelectMany(b => b).ToArray();
            Assert.Equal(Enumerable.Range(0, 1003), all.Order());
            orders.Add(all);
        }
        Assert.NotEqual(orders[0], orders[1]);
        Assert.NotEqual(orders[1], orders[2]);
        Assert.Equal(orders[1], DataLoader.Permutation(1003, 5, 1));
    }

    [Fact]
    public void DropLastGivesFullBatchesOfDistinctExamples()
    {
        using var loader = new DataLoader(Numbered(1003), _device,
            new DataLoaderOptions { BatchSize = 100, Seed = 5, Scaling = PixelScaling.ZeroToOne });
        Assert.Equal(10, loader.BatchesPerEpoch);
        var dropped = new List<int[]>();
        for (int e = 0; e < 2; e++)
        {
            var batches = Epoch(loader);
            Assert.Equal(10, batches.Count);
            Assert.All(batches, b => Assert.Equal(100, b.Length));
            var all = batches.SelectMany(b => b).ToArray();
            Assert.Equal(1000, all.Distinct().Count());
            dropped.Add(Enumerable.Range(0, 1003).Except(all).Order().ToArray());
            Assert.Equal(3, dropped[^1].Length);
        }
        Assert.NotEqual(dropped[0], dropped[1]);   // each epoch drops different examples, so none is never seen

        var ex = Assert.Throws<ArgumentException>(() => new DataLoader(Numbered(50), _device, new DataLoaderOptions { BatchSize = 64 }));
        Assert.Contains("numbered: 50 examples make no full batch of 64", ex.Message);
    }

    [Fact]
    public void SeedsDecideTheOrder()
    {
        int[] Order(ulong seed, bool shuffle = true)
        {
            using var loader = new DataLoader(Numbered(300), _device,
                new DataLoaderOptions { BatchSize = 300, Seed = seed, Shuffle = shuffle, Scaling = PixelScaling.ZeroToOne });
            using var batch = loader.Next();
            return Decode(batch);
        }
        Assert.Equal(Order(1), Order(1));
        Assert.NotEqual(Order(1), Order(2));
        Assert.Equal(Enumerable.Range(0, 300), Order(1, shuffle: false));
        Assert.Equal(DataLoader.Permutation(300, 2, 0), Order(2));

        // Fisher–Yates on Philox bits: a permutation, and the same one every time.
        var p = DataLoader.Permutation(1000, 9, 4);
        Assert.Equal(Enumerable.Range(0, 1000), p.Order());
        Assert.Equal(p, DataLoader.Permutation(1000, 9, 4));
        Assert.NotEqual(p, DataLoader.Permutation(1000, 9, 5));
    }

    [Fact]
    public void ScalingRangesAreExact()
    {
        var pixels = Enumerable.Range(0, 256).Select(v => (byte)v).ToArray();
        var data = new Dataset(pixels, 1, 1, 16, 16);
        foreach (var (scaling, expected) in new[]
        {
            (PixelScaling.MinusOneToOne, (Func<int, float>)(v => (v - 127.5f) / 127.5f)),
            (PixelScaling.ZeroToOne, v => v / 255f),
        })
        {
            using var loader = new DataLoader(data, _device, new DataLoaderOptions { BatchSize = 1, Scaling = scaling });
            using var batch = loader.Next();
            var x = batch.Images.ToArray();
            Assert.Null(batch.Labels);
            Assert.Equal(scaling == PixelScaling.MinusOneToOne ? -1f : 0f, x[0]);
            Assert.Equal(1f, x[255]);
            Assert.Equal(x.Min(), x[0]);
            Assert.Equal(x.Max(), x[255]);
            for (int v = 0; v < 256; v++) Assert.Equal(expected(v), x[v]);
            Assert.All(x.Zip(x.Skip(1)), pair => Assert.True(pair.First < pair.Second));   // strictly increasing
        }
    }

    [Fact]
    public void BinarizationRateMatchesIntensity()
    {
        // 200 examples of 28×28; pixel k of every example has intensity levels[k % 7], so each level
        // gets n = 200·112 = 22400 Bernoulli(v/255) draws. The draws are seeded (the test cannot flake),
        // and a correct implementation lands within 5σ, σ = √(p(1−p)/n) ≤ 0.0034, with probability
        // 1 − 6·10⁻⁷ per level; a rate off by a pixel level (1/255 ≈ 0.004) at p = ½ is about 1.2σ, so
        // this checks the coupling to intensity, not the last level. 0 and 255 are exact: u ∈ (0, 1).
        byte[] levels = [0, 1, 64, 128, 200, 254, 255];
        const int n = 200, size = 28 * 28;
        var pixels = new byte[n * size];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = levels[i % size % 7];
        var data = new Dataset(pixels, n, 1, 28, 28);

        using var loader = new DataLoader(data, _device, new DataLoaderOptions { BatchSize = n, Seed = 11, Scaling = PixelScaling.Binarized });
        using var first = loader.Next();
        var x = first.Images.ToArray();
        Assert.All(x, v => Assert.True(v is 0f or 1f, $"binarized value {v}"));
        var ones = new int[7];
        var draws = new int[7];
        for (int b = 0; b < n; b++)
            for (int k = 0; k < size; k++)
            {
                draws[k % 7]++;
                if (x[b * size + k] == 1f) ones[k % 7]++;
            }
        for (int l = 0; l < 7; l++)
        {
            double p = levels[l] / 255.0, rate = (double)ones[l] / draws[l];
            double sigma = Math.Sqrt(p * (1 - p) / draws[l]);
            Assert.True(Math.Abs(rate - p) <= 5 * sigma + 1e-12, $"level {levels[l]}: rate {rate:F5}, expected {p:F5} ± {5 * sigma:F5}");
        }
        Assert.Equal(0, ones[0]);
        Assert.Equal(draws[6], ones[6]);

        // Fresh noise in the next epoch (the same example gets other draws).
        using var second = loader.Next();
        var y = second.Images.ToArray();
        int e0 = first.Indices[0], pos = second.Indices.ToList().IndexOf(e0);
        var a = x.AsSpan(0, size).ToArray();
        var c = y.AsSpan(pos * size, size).ToArray();
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void PrefetchDoesNotChangeTheBatches()
    {
        var data = Numbered(257);
        (float[], int[], int[])[] Run(bool prefetch)
        {
            using var loader = new DataLoader(data, _device,
                new DataLoaderOptions { BatchSize = 32, Seed = 3, DropLast = false, Scaling = PixelScaling.Binarized, Prefetch = prefetch });
            var result = new (float[], int[], int[])[30];   // 30 batches span four epochs of 9
            for (int i = 0; i < result.Length; i++)
            {
                if (prefetch && i % 5 == 0) Thread.Sleep(2);   // vary the timing
                using var batch = loader.Next();
                result[i] = (batch.Images.ToArray(), batch.Labels!.ToIntArray(), batch.Indices.ToArray());
            }
            return result;
        }
        var sync = Run(false);
        var async = Run(true);
        for (int i = 0; i < sync.Length; i++)
        {
            Assert.Equal(sync[i].Item1, async[i].Item1);
            Assert.Equal(sync[i].Item2, async[i].Item2);
            Assert.Equal(sync[i].Item3, async[i].Item3);
        }
    }

    [Fact]
    public void DisposeStopsTheLoader()
    {
        var loader = new DataLoader(Numbered(100), _device, new DataLoaderOptions { BatchSize = 10 });
        loader.Next().Dispose();
        Thread.Sleep(10);   // let the producer prepare the next batch and wait for its slot
        loader.Dispose();
        loader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => loader.Next());
    }

    [Fact]
    public void BatchesInAStepScopeBelongToIt()
    {
        using var loader = new DataLoader(Numbered(40, labelled: false), _device, new DataLoaderOptions { BatchSize = 8 });
        Batch batch;
        using (_device.Step())
        {
            batch = loader.Next();
            Assert.Null(batch.Labels);
            Assert.False(batch.Images.IsDisposed);
        }
        Assert.True(batch.Images.IsDisposed);
    }
}
