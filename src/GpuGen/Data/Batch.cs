using GpuGen.Tensors;

namespace GpuGen.Data;

/// <summary>
/// One batch on a device: images [B, C, H, W] float32 and, for labelled data, labels [B] int32.
/// Tensors made inside a step scope belong to it; otherwise <see cref="Dispose"/> returns them to the pool.
/// </summary>
public sealed class Batch : IDisposable
{
    internal Batch(Tensor images, Tensor? labels, int[] indices, long epoch, int index)
    {
        Images = images;
        Labels = labels;
        Indices = indices;
        Epoch = epoch;
        Index = index;
    }

    /// <summary>Pixels [B, C, H, W], scaled as the loader's <see cref="PixelScaling"/> says.</summary>
    public Tensor Images { get; }

    /// <summary>Labels [B] as int32, or null for unlabelled data.</summary>
    public Tensor? Labels { get; }

    /// <summary>The dataset indices of the examples, in batch order.</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>Number of examples B (smaller than the batch size only for a kept last batch).</summary>
    public int Count => Indices.Count;

    /// <summary>The epoch (from 0) this batch belongs to.</summary>
    public long Epoch { get; }

    /// <summary>The batch's position within its epoch (from 0).</summary>
    public int Index { get; }

    public void Dispose()
    {
        Images.Dispose();
        Labels?.Dispose();
    }
}
