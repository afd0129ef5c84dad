using GpuGen.IO;

namespace GpuGen.Viewer;

/// <summary>Frames shrunk (box average by a whole factor) and tiled row by row into one picture.</summary>
public static class ContactSheet
{
    public static Image Build(IReadOnlyList<Image> frames, int maxThumbWidth = 320, int gap = 4)
    {
        if (frames.Count == 0) throw new ArgumentException("a contact sheet needs at least one frame");
        int factor = Math.Max(1, (frames[0].Width + maxThumbWidth - 1) / maxThumbWidth);
        int tw = frames[0].Width / factor, th = frames[0].Height / factor;
        int cols = (int)Math.Ceiling(Math.Sqrt(frames.Count)), rows = (frames.Count + cols - 1) / cols;
        var sheet = new Image(cols * tw + (cols + 1) * gap, rows * th + (rows + 1) * gap, 3);
        Array.Fill(sheet.Pixels, (byte)16);
        for (int i = 0; i < frames.Count; i++)
        {
            var f = frames[i].Channels == 3 ? frames[i] : frames[i].ToRgb();
            if (f.Width / factor != tw || f.Height / factor != th)
                throw new ArgumentException($"frame {i} is {f.Width}x{f.Height}, the first is {frames[0].Width}x{frames[0].Height}");
            int ox = gap + i % cols * (tw + gap), oy = gap + i / cols * (th + gap);
            for (int y = 0; y < th; y++)
                for (int x = 0; x < tw; x++)
                    for (int c = 0; c < 3; c++)
                    {
                        int sum = 0;
                        for (int dy = 0; dy < factor; dy++)
                            for (int dx = 0; dx < factor; dx++)
                                sum += f.Pixels[((y * factor + dy) * f.Width + x * factor + dx) * 3 + c];
                        sheet.Pixels[((oy + y) * sheet.Width + ox + x) * 3 + c] = (byte)((sum + factor * factor / 2) / (factor * factor));
                    }
        }
        return sheet;
    }
}
