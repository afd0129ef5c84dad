using GpuGen.IO;

namespace GpuGen.Models;

/// <summary>
/// What <see cref="GenerativeModel.Sample"/> drew: the samples as floats of the given shape (images in
/// the model's own scale, PixelCNN's as v/255), the pictures asked for by name, the numbers as `gpugen
/// sample --json` prints them (without the files written), the lines it prints, and the seconds spent.
/// </summary>
public sealed record SampleResult(
    float[] Samples,
    int[] Shape,
    IReadOnlyDictionary<string, Image> Pictures,
    JsonOut Numbers,
    IReadOnlyList<string> Lines,
    double Seconds);
