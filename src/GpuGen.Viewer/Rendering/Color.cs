namespace GpuGen.Viewer.Rendering;

/// <summary>A straight-alpha RGBA colour with components in [0, 1].</summary>
public readonly record struct Color(float R, float G, float B, float A = 1f)
{
    public static Color FromBytes(byte r, byte g, byte b, float a = 1f) => new(r / 255f, g / 255f, b / 255f, a);

    public Color WithAlpha(float a) => this with { A = a };

    public static Color White => new(1, 1, 1);
    public static Color Black => new(0, 0, 0);
    public static Color Background => FromBytes(24, 26, 31);
    public static Color PanelBackground => FromBytes(34, 37, 44);
    public static Color Text => FromBytes(225, 228, 232);
    public static Color DimText => FromBytes(150, 156, 166);
    public static Color Grid => FromBytes(64, 68, 78);
    public static Color Blue => FromBytes(31, 119, 180);
    public static Color LightBlue => FromBytes(120, 180, 230);
    public static Color Orange => FromBytes(255, 127, 14);
    public static Color Green => FromBytes(44, 160, 44);
    public static Color Red => FromBytes(214, 39, 40);
}
