namespace GpuGen.Data;

/// <summary>Which part of a dataset with a fixed split (IDX: train-* or t10k-* files) to open.</summary>
public enum DatasetSplit
{
    Train,
    Test,
}
