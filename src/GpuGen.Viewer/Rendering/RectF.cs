namespace GpuGen.Viewer.Rendering;

/// <summary>A rectangle in pixels, origin at the top left, y down.</summary>
public readonly record struct RectF(float X, float Y, float W, float H)
{
    public float Right => X + W;
    public float Bottom => Y + H;

    public RectF Inset(float d) => new(X + d, Y + d, Math.Max(0, W - 2 * d), Math.Max(0, H - 2 * d));

    /// <summary>Splits off the top <paramref name="h"/> pixels: (top, rest).</summary>
    public (RectF Top, RectF Remainder) SplitTop(float h)
    {
        h = Math.Clamp(h, 0, H);
        return (new RectF(X, Y, W, h), new RectF(X, Y + h, W, H - h));
    }

    /// <summary>Splits at a fraction of the width: (left, right).</summary>
    public (RectF Left, RectF Right) SplitLeft(float fraction)
    {
        float w = MathF.Round(W * Math.Clamp(fraction, 0, 1));
        return (new RectF(X, Y, w, H), new RectF(X + w, Y, W - w, H));
    }

    /// <summary>Splits at a fraction of the height: (top, bottom).</summary>
    public (RectF Top, RectF Bottom) SplitTopFraction(float fraction)
    {
        float h = MathF.Round(H * Math.Clamp(fraction, 0, 1));
        return (new RectF(X, Y, W, h), new RectF(X, Y + h, W, H - h));
    }

    /// <summary>
    /// The largest rectangle of aspect <paramref name="contentW"/>:<paramref name="contentH"/> that fits,
    /// centred, on whole pixels; scaled by a whole factor (crisp pixels) when that loses at most a fifth of the size.
    /// </summary>
    public RectF Fit(float contentW, float contentH, bool wholeScale = true)
    {
        if (contentW <= 0 || contentH <= 0 || W <= 0 || H <= 0) return new RectF(X, Y, 0, 0);
        float s = Math.Min(W / contentW, H / contentH);
        if (wholeScale && s >= 1 && MathF.Floor(s) >= 0.8f * s) s = MathF.Floor(s);
        float w = MathF.Floor(contentW * s), h = MathF.Floor(contentH * s);
        return new RectF(MathF.Floor(X + (W - w) / 2), MathF.Floor(Y + (H - h) / 2), w, h);
    }
}
