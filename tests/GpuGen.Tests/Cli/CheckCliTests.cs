using System.Text.Json;
using GpuGen.Bench.Parity;

namespace GpuGen.Tests.Cli;

/// <summary>`gpugen check`: the kernel parity check the GPU script runs, here on ILGPU's CPU accelerator.</summary>
public class CheckCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-check-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void EveryKernelOnIlgpuCpuMatchesCpu()
    {
        var r = CliRunner.Run(dir, "check", "--device", "ilgpu-cpu", "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.LastLine);
        var root = doc.RootElement;
        Assert.Equal("ilgpu-cpu", root.GetProperty("device").GetString());
        var summary = root.GetProperty("summary");
        Assert.True(summary.GetProperty("passed").GetBoolean(), r.ToString());
        Assert.Equal(0, summary.GetProperty("failed").GetInt32());
        Assert.Equal(0, summary.GetProperty("missing_methods").GetArrayLength());
        // Every method of the contract has at least one case, and each case ran and compared numbers.
        var kernels = root.GetProperty("kernels").EnumerateObject().Select(p => p.Name.Split(' ')[0]).ToHashSet();
        Assert.Equal(ParityCases.ContractMethods.Count, summary.GetProperty("contract_methods").GetInt32());
        Assert.All(ParityCases.ContractMethods, m => Assert.Contains(m, kernels));
        var cases = root.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(summary.GetProperty("cases").GetInt32(), cases.Count);
        Assert.All(cases, c =>
        {
            Assert.True(c.GetProperty("passed").GetBoolean(), c.ToString());
            double rel = c.GetProperty("max_rel_diff").GetDouble();
            Assert.InRange(rel, 0, c.GetProperty("tolerance").GetDouble());
        });
        // Not a CUDA device: no FP32 peak and no cuBLAS rows, and the reasons say so.
        Assert.Equal(JsonValueKind.Null, root.GetProperty("fp32_peak_gflops").ValueKind);
        Assert.Contains("not a CUDA device", root.GetProperty("fp32_peak_source").GetString());
        Assert.False(root.GetProperty("cublas_checked").GetBoolean());
        Assert.Contains("not a CUDA device", root.GetProperty("cublas_absence").GetString());
    }

    [Fact]
    public void UnknownDeviceIsExitTwo()
    {
        var r = CliRunner.Run(dir, "check", "--device", "tpu:0", "--json");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("tpu:0", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }
}
