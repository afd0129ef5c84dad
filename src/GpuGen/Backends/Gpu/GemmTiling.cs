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
    /// 64 × 64 tiles from 16 × 16 work-items holding 4 × 4 each (the kernel's defaults) where a
    /// work-group may hold 256 work-items; smaller tiles, same register block, on smaller devices.
    /// </summary>
    public static GemmTiling For(int maxWorkGroupSize) => maxWorkGroupSize switch
    {
        >= 256 => new(64, 64, 16, 4, 4, 4),
        >= 64 => new(32, 32, 16, 4, 4, 4),
        _ => new(4, 4, 4, 1, 1, 1),
    };
}
