namespace GpuGen.Training;

/// <summary>
/// A picture of a model under training, for a live window (`gpugen train … --view`): images [N, C, H, W]
/// with values in [<see cref="Low"/>, <see cref="High"/>], or 2-D points [N, 2] (Height and Width 0),
/// drawn from one seed so that successive previews compare.
/// </summary>
public sealed record TrainingPreview(float[] Values, int Count, int Channels, int Height, int Width, long Step, string Caption)
{
    /// <summary>Points rather than images.</summary>
    public bool Points => Height == 0;

    /// <summary>The value shown black (images).</summary>
    public float Low { get; init; } = -1;

    /// <summary>The value shown white (images).</summary>
    public float High { get; init; } = 1;

    /// <summary>Images per row (0: a square grid); a class-conditional model shows one class per row.</summary>
    public int Columns { get; init; }

    /// <summary>Points of the data, drawn faintly under 2-D samples (the same array every time; null: none).</summary>
    public float[]? Backdrop { get; init; }

    /// <summary>Images from a model at <paramref name="step"/>.</summary>
    public static TrainingPreview Images(float[] values, int count, int channels, int height, int width, long step, string caption) =>
        new(values, count, channels, height, width, step, caption);

    /// <summary>2-D points from a model at <paramref name="step"/>.</summary>
    public static TrainingPreview Cloud(float[] xy, long step, string caption) => new(xy, xy.Length / 2, 0, 0, 0, step, caption);
}
