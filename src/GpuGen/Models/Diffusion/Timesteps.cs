namespace GpuGen.Models.Diffusion;

/// <summary>The timesteps a sampler visits, noisiest first.</summary>
public static class Timesteps
{
    public static TimestepSpacing ParseSpacing(string name) => name.ToLowerInvariant() switch
    {
        "leading" => TimestepSpacing.Leading,
        "linspace" => TimestepSpacing.Linspace,
        "trailing" => TimestepSpacing.Trailing,
        _ => throw new ArgumentException($"unknown timestep spacing '{name}' (expected leading, linspace or trailing)"),
    };

    /// <summary>K distinct timesteps of 0 … T−1 in descending order, spaced as <paramref name="spacing"/> says.</summary>
    public static int[] Select(int total, int count, TimestepSpacing spacing)
    {
        if (count < 1 || count > total)
            throw new ArgumentOutOfRangeException(nameof(count), $"number of sampling steps must be in 1 … {total}, got {count}");
        var t = new int[count];
        for (int i = 0; i < count; i++)
        {
            t[i] = spacing switch
            {
                TimestepSpacing.Leading => i * (total / count),
                TimestepSpacing.Linspace => count == 1 ? total - 1 : (int)Math.Round((double)i * (total - 1) / (count - 1)),
                TimestepSpacing.Trailing => (int)Math.Round(total - (double)i * total / count) - 1,
                _ => throw new ArgumentOutOfRangeException(nameof(spacing), spacing, "unknown spacing"),
            };
        }
        Array.Sort(t);
        Array.Reverse(t);
        for (int i = 1; i < count; i++)
            if (t[i] >= t[i - 1]) throw new InvalidOperationException($"{spacing} spacing of {count} in {total} gave a repeated timestep {t[i]}");
        return t;
    }
}
