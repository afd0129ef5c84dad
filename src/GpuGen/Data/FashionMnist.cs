using System.ComponentModel;
using System.Diagnostics;

namespace GpuGen.Data;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017): 60000 train and 10000 test grayscale 28×28
/// images of 10 kinds of clothing, as installed by the Debian package dataset-fashion-mnist. The
/// files' location is asked of dpkg at run time rather than assumed.
/// </summary>
static class FashionMnist
{
    public const string Package = "dataset-fashion-mnist";

    /// <summary>The classes in label order (the dataset's README).</summary>
    public static readonly string[] ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static Dataset Open(DatasetOptions options) => Open(options, PackageFiles(Package));

    /// <summary>Opens the split from the package's file list (null: the package is not installed).</summary>
    internal static Dataset Open(DatasetOptions options, IReadOnlyList<string>? files)
    {
        string? images = files?.FirstOrDefault(f => Path.GetFileName(f) == "train-images-idx3-ubyte.gz");
        if (images is null)
            throw new FileNotFoundException(
                $"fashion-mnist: the Debian package {Package} is not installed " +
                $"(install it with `apt-get install {Package}`; ./test and ./gpugen install it from scripts/packages.txt)");
        return Dataset.OpenIdxFolder(Path.GetDirectoryName(images)!, options, "fashion-mnist", ClassNames);
    }

    /// <summary>The files an installed Debian package owns (<c>dpkg -L</c>), or null when it is not installed or dpkg is missing.</summary>
    internal static IReadOnlyList<string>? PackageFiles(string package)
    {
        var start = new ProcessStartInfo("dpkg", ["-L", package])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using var process = Process.Start(start);
            if (process is null) return null;
            var stderr = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            _ = stderr.Result;
            if (process.ExitCode != 0) return null;
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        catch (Win32Exception)
        {
            return null;   // no dpkg on this system: not a Debian-family machine
        }
    }
}
