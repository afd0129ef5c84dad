using System.Security.Cryptography;
using System.Text;

namespace GpuGen.Backends.OpenCL;

/// <summary>
/// Compiled program binaries on disk, keyed by SHA-256 of (source, options, device, driver version),
/// under $GPUGEN_CACHE_DIR, else $XDG_CACHE_HOME/gpugen, else ~/.cache/gpugen. Written atomically
/// (temp file + rename); an unreadable or stale entry is simply a miss.
/// </summary>
internal sealed class ProgramCache(string folder)
{
    public string Folder { get; } = folder;

    public static ProgramCache Default(string subfolder)
    {
        string? root = Environment.GetEnvironmentVariable("GPUGEN_CACHE_DIR");
        if (string.IsNullOrEmpty(root))
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            root = Path.Combine(string.IsNullOrEmpty(xdg)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg, "gpugen");
        }
        return new ProgramCache(Path.Combine(root, subfolder));
    }

    public static string Key(params string[] parts)
    {
        var text = string.Join("\n\u0001\n", parts);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public byte[]? Load(string key)
    {
        try
        {
            string path = Path.Combine(Folder, key + ".bin");
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Stores a binary; a cache that cannot be written is not an error (the next run compiles again).</summary>
    public void Store(string key, byte[] binary)
    {
        try
        {
            Directory.CreateDirectory(Folder);
            string path = Path.Combine(Folder, key + ".bin");
            string temp = path + "." + Environment.ProcessId + "." + Environment.CurrentManagedThreadId + ".tmp";
            File.WriteAllBytes(temp, binary);
            File.Move(temp, path, overwrite: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
