using GpuGen.Backends;

namespace GpuGen.Bench.Parity;

public static partial class ParityCases
{
    private static IEnumerable<ParityCase> Convolution()
    {
        var rng = new HostRandom(1700);
        var geometries = new (Conv2dArgs Args, bool Bias)[]
        {
            (new Conv2dArgs(2, 4, 6, 9, 7, 3, 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, Groups: 2), true),
            (new Conv2dArgs(1, 3, 5, 8, 11, 3, 2, StrideH: 1, StrideW: 2, PadH: 2, PadW: 0, DilationH: 2), false),
            (new Conv2dArgs(3, 5, 7, 6, 5, 1, 1), true),
            (new Conv2dArgs(2, 6, 6, 7, 7, 3, 3, PadH: 1, PadW: 1, Groups: 6), false),
        };
        for (int i = 0; i < geometries.Length; i++)
        {
            var (g, hasBias) = geometries[i];
            string shape = $"N{g.Batch} {g.InChannels}→{g.OutChannels} {g.Height}×{g.Width} k{g.KernelH}×{g.KernelW} s{g.StrideH},{g.StrideW} "
                + $"p{g.PadH},{g.PadW} d{g.DilationH},{g.DilationW} g{g.Groups}{(hasBias ? " bias" : "")}";
            var (x, w, bias) = (rng.Normal((int)g.InputLength), rng.Normal((int)g.WeightLength), rng.Normal(g.OutChannels));
            var (dy, y0, dx0) = (rng.Normal((int)g.OutputLength), rng.Normal((int)g.OutputLength), rng.Normal((int)g.InputLength));
            var (dw0, db0) = (rng.Normal((int)g.WeightLength), rng.Normal(g.OutChannels));
            bool both = i < 2; // the first two geometries also run the other form (accumulate / overwrite)
            foreach (bool accumulate in both ? new[] { false, true } : [false])
                yield return Case("Conv2dForward", shape + (accumulate ? " +=" : ""), ParityTolerance.Sum, s =>
                {
                    var y = accumulate ? s.In(y0) : s.Poisoned(g.OutputLength);
                    s.K.Conv2dForward(g, s.In(x), s.In(w), hasBias ? s.In(bias) : null, y, accumulate);
                    return [s.Read(y)];
                });
            foreach (bool accumulate in both ? new[] { false, true } : [false])
                yield return Case("Conv2dBackwardData", shape + (accumulate ? " +=" : ""), ParityTolerance.Sum, s =>
                {
                    var dx = accumulate ? s.In(dx0) : s.Poisoned(g.InputLength);
                    s.K.Conv2dBackwardData(g, s.In(dy), s.In(w), dx, accumulate);
                    return [s.Read(dx)];
                });
            yield return Case("Conv2dBackwardWeight", shape + " +=", ParityTolerance.Sum, s =>
            {
                var (dw, db) = (s.In(dw0), hasBias ? s.In(db0) : null);
                s.K.Conv2dBackwardWeight(g, s.In(x), s.In(dy), dw, db);
                return db is null ? [s.Read(dw)] : [s.Read(dw), s.Read(db)];
            });
        }
        const int batch = 3, channels = 5, spatial = 37;
        var (b, yy, d, db1) = (rng.Normal(channels), rng.Normal(batch * channels * spatial), rng.Normal(batch * channels * spatial), rng.Normal(channels));
        yield return Case("ChannelBiasAdd", $"{batch}×{channels}×{spatial} +=", ParityTolerance.Exact, s =>
        {
            var y = s.In(yy);
            s.K.ChannelBiasAdd(batch, channels, spatial, s.In(b), y);
            return [s.Read(y)];
        });
        yield return Case("ChannelBiasBackward", $"{batch}×{channels}×{spatial} +=", ParityTolerance.Sum, s =>
        {
            var dbias = s.In(db1);
            s.K.ChannelBiasBackward(batch, channels, spatial, s.In(d), dbias);
            return [s.Read(dbias)];
        });
    }
}
