namespace GpuGen.Data;

/// <summary>
/// Data as `--data` names it (fashion-mnist, idx:DIR, folder:DIR, a 2-D toy): the spelling a
/// checkpoint stores, and the held-out split a model is measured on.
/// </summary>
public static class DataSpec
{
    /// <summary>idx:DIR and folder:DIR with DIR made absolute, so a checkpoint's data can be found from any folder.</summary>
    public static string Canonical(string spec)
    {
        foreach (string prefix in new[] { "idx:", "folder:" })
            if (spec.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && spec.Length > prefix.Length)
                return prefix + Path.GetFullPath(spec[prefix.Length..]);
        return spec;
    }

    /// <summary>The test split of fashion-mnist or idx:DIR, or null for data without one (folders, an idx folder without t10k files).</summary>
    public static Dataset? OpenTest(string spec)
    {
        if (spec.StartsWith("folder:", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            return Dataset.Open(spec, new DatasetOptions { Split = DatasetSplit.Test });
        }
        catch (FileNotFoundException) when (spec.StartsWith("idx:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
    }

    /// <summary>The test split of the data when there is one ("test"), else the training images ("train").</summary>
    public static (Dataset Data, string Split) OpenHeldOut(string spec)
    {
        try
        {
            return (Dataset.Open(spec, new DatasetOptions { Split = DatasetSplit.Test }), "test");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
        {
            try
            {
                return (Dataset.Open(spec), "train");
            }
            catch (Exception e2) when (e2 is IOException or InvalidDataException or ArgumentException)
            {
                throw new ArgumentException($"the model's data {spec} cannot be opened: {e2.Message}");
            }
        }
    }
}
