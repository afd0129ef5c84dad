namespace GpuGen.Data;

/// <summary>
/// The part of every global batch one process of a data-parallel run takes: rows
/// [Rank·b, (Rank+1)·b) of a batch of <c>Size·b</c>. Every random number a step draws per row is
/// addressed by the row's place in the global batch (<see cref="FirstRow"/>), so the processes
/// together draw what one process would draw for the whole batch, whatever their number.
/// </summary>
public readonly record struct BatchShare
{
    public BatchShare(int rank, int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), $"a data-parallel run needs at least one process, got {size}");
        if (rank < 0 || rank >= size) throw new ArgumentOutOfRangeException(nameof(rank), $"rank {rank} is outside 0 … {size - 1}");
        Rank = rank;
        Size = size;
    }

    /// <summary>One process taking every row.</summary>
    public static BatchShare Whole { get; } = new(0, 1);

    public int Rank { get; }

    public int Size { get; }

    public bool IsWhole => Size == 1;

    /// <summary>The rows of a global batch of <paramref name="globalBatch"/> this process takes; a batch that does not split evenly is an error.</summary>
    public int Rows(int globalBatch)
    {
        if (globalBatch % Size != 0)
            throw new ArgumentException($"--batch {globalBatch} does not split evenly over {Size} processes; give a multiple of {Size}");
        return globalBatch / Size;
    }

    /// <summary>This process's first row in the global batch, for a share of <paramref name="rows"/> rows.</summary>
    public int FirstRow(int rows) => Rank * rows;

    /// <summary>Where this process's random numbers start in a draw of <paramref name="perRow"/> numbers per row.</summary>
    public ulong Offset(int rows, int perRow) => (ulong)FirstRow(rows) * (ulong)perRow;

    public override string ToString() => $"rank {Rank} of {Size}";
}
