using System.Globalization;

namespace GpuGen.Backends.Gpu;

/// <summary>
/// The tiling of kernels/gemm.cl, compiled in as defines: a work-group computes a
/// <see cref="TileM"/> × <see cref="TileN"/> tile of C in steps of <see cref="TileK"/>, each work-item a
/// <see cref="WorkM"/> × <see cref="WorkN"/> register block whose columns come in runs of
/// <see cref="Vector"/>. The launch grid follows from the same numbers, so host and kernel agree.
/// </summary>
internal readonly record struct GemmTiling(int TileM, int TileN, int TileK, int WorkM, int WorkN, int Vector)
{
    /// <summary>Work-items along N (dimension 0 of the grid).</summary>
    public int GroupN => TileN / WorkN;

    /// <summary>Work-items along M (dimension 1).</summary>
    public int GroupM => TileM / WorkM;

    public string Defines => string.Create(CultureInfo.InvariantCulture,
        $"-DGEMM_TM={TileM} -DGEMM_TN={TileN} -DGEMM_TK={TileK} -DGEMM_WM={WorkM} -DGEMM_WN={WorkN} -DGEMM_VW={Vector}");

    /// <summary>
    /// 64 × 64 tiles in 32-deep steps from 16 × 8 work-items holding 4 × 8 each (two runs of 4
    /// columns) where a work-group may hold 128 work-items — on PoCL at 512³ this ran ~1.5× faster
    /// than 16 × 16 work-items of 4 × 4; smaller tiles on smaller devices. GPUGEN_GEMM_TILING overrides.
    /// </summary>
    public static GemmTiling For(int maxWorkGroupSize) => Parse(Environment.GetEnvironmentVariable("GPUGEN_GEMM_TILING")) ?? (maxWorkGroupSize switch
    {
        >= 128 => new(64, 64, 32, 4, 8, 4),
        >= 64 => new(32, 32, 16, 4, 4, 4),
        >= 16 => new(8, 8, 8, 2, 2, 2),
        _ => new(1, 1, 1, 1, 1, 1),
    });

    /// <summary>
    /// A tiling written "TM,TN,TK,WM,WN,VW" (the GPUGEN_GEMM_TILING override, for tuning runs); null
    /// when <paramref name="text"/> is empty. The kernel rejects inconsistent tilings when it compiles.
    /// </summary>
    public static GemmTiling? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var v = text.Split(',').Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int x) && x > 0 ? x : -1).ToArray();
        if (v.Length != 6 || v.Contains(-1))
            throw new ArgumentException($"GEMM tiling '{text}' is not six positive integers TM,TN,TK,WM,WN,VW");
        return new GemmTiling(v[0], v[1], v[2], v[3], v[4], v[5]);
    }
}
