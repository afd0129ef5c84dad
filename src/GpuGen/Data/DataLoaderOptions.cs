namespace GpuGen.Data;

/// <summary>How <see cref="DataLoader"/> batches a dataset.</summary>
public sealed record DataLoaderOptions
{
    /// <summary>Examples per batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Seeds the per-epoch permutations and the binarization noise.</summary>
    public ulong Seed { get; init; }

    /// <summary>False keeps the dataset's order in every epoch.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>True drops an epoch's last batch when it would be smaller than <see cref="BatchSize"/>; false keeps it.</summary>
    public bool DropLast { get; init; } = true;

    public PixelScaling Scaling { get; init; } = PixelScaling.MinusOneToOne;

    /// <summary>
    /// Index of the first batch to return, counting through the epochs (batch k is batch k mod
    /// BatchesPerEpoch of epoch k / BatchesPerEpoch): a resumed run that took k steps continues with
    /// exactly the batches an uninterrupted one would have seen.
    /// </summary>
    public long StartBatch { get; init; }

    /// <summary>Prepare the next batch on a background thread while the current one is in use.</summary>
    public bool Prefetch { get; init; } = true;

    /// <summary>
    /// The rows of each batch this process takes in data-parallel training: the batches (and their
    /// order) are those of <see cref="BatchSize"/>, of which <see cref="DataLoader.Next"/> returns this share.
    /// </summary>
    public BatchShare Share { get; init; } = BatchShare.Whole;
}
