using System.CommandLine;
using GpuGen.Backends;
using GpuGen.Tensors;

namespace GpuGen.Cli.Commands;

/// <summary>Options that every command shares, made fresh for each command.</summary>
internal static class CommonOptions
{
    public static Option<string> Device() => new("--device", "-d")
    {
        Description = "where to run: cpu, ilgpu-cpu, cuda[:N] or opencl[:N]",
        DefaultValueFactory = _ => "cpu",
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "print the numbers as one JSON object on the last line",
    };

    public static Option<ulong> Seed() => new("--seed")
    {
        Description = "random seed (same seed, same result on every backend)",
        DefaultValueFactory = _ => 0,
    };

    public static Option<bool> CuBlas() => new("--cublas")
    {
        Description = "CUDA: run GEMMs through cuBLAS instead of the hand-written kernel (also GPUGEN_GEMM=cublas for any command)",
    };

    public static Device OpenDevice(string spec, bool cublas = false)
    {
        var device = Tensors.Device.Open(spec);
        if (!cublas) return device;
        if (device.Backend is Backends.Ilgpu.IlgpuBackend ilgpu && ilgpu.TryUseCuBlas(out _)) return device;
        string why = device.Backend is Backends.Ilgpu.IlgpuBackend b && !b.TryUseCuBlas(out var reason) ? reason! : $"{spec} is not a CUDA device";
        device.Dispose();
        throw new CliError($"--cublas: {why}");
    }

    /// <summary>Checks that a file can be written where asked before hours of work go into it.</summary>
    public static string OutputPath(string path, string what)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full);
        if (Directory.Exists(full)) throw new CliError($"{what} {path} is a directory, expected a file name");
        if (dir is not null && !Directory.Exists(dir))
        {
            try
            {
                Directory.CreateDirectory(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliError($"cannot create the folder for {what} {path}: {e.Message}");
            }
        }
        return path;
    }

    public static void Positive(int value, string flag)
    {
        if (value < 1) throw new CliError($"{flag} must be a positive number, got {value}");
    }
}
