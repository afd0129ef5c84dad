namespace GpuGen.Pictures;

/// <summary>An sRGB colour for plots.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    public static Rgb White => new(255, 255, 255);
    public static Rgb Black => new(0, 0, 0);
    /// <summary>Text and frames: softer than black.</summary>
    public static Rgb Ink => new(40, 40, 40);
    public static Rgb Grey => new(128, 128, 128);
    /// <summary>Data / reference points drawn behind model samples.</summary>
    public static Rgb LightGrey => new(175, 175, 175);
    /// <summary>Grid lines.</summary>
    public static Rgb FaintGrey => new(232, 232, 232);
    // The first colours of the "tab10" palette: strong, and distinguishable by colour-blind readers.
    public static Rgb Blue => new(31, 119, 180);
    public static Rgb Orange => new(255, 127, 14);
    public static Rgb Green => new(44, 160, 44);
    public static Rgb Red => new(214, 39, 40);
    public static Rgb Purple => new(148, 103, 189);
}
