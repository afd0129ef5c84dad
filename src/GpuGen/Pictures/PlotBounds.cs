namespace GpuGen.Pictures;

/// <summary>The data rectangle a plot shows.</summary>
public readonly record struct PlotBounds(float XMin, float XMax, float YMin, float YMax)
{
    /// <summary>The square [-r, r]² (toy 2-D data sets are usually centred).</summary>
    public static PlotBounds Square(float r) => new(-r, r, -r, r);
}
