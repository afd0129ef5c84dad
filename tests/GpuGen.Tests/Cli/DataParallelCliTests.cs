using System.Text.Json;
using GpuGen.Data;
using GpuGen.IO;

namespace GpuGen.Tests.Cli;

/// <summary>Runs only where MPICH is installed (./test installs the Debian package mpich); names what is missing otherwise.</summary>
public sealed class MpichFactAttribute : FactAttribute
{
    public MpichFactAttribute(bool needsFashionMnist = false)
    {
        if (!File.Exists("/usr/bin/mpirun.mpich") || !File.Exists("/usr/lib/x86_64-linux-gnu/libmpich.so.12"))
            Skip = "MPICH is not installed (`apt-get install mpich`; ./test installs it): these runs start `mpirun.mpich -np 2`";
        else if (needsFashionMnist && FashionMnist.PackageFiles(FashionMnist.Package) is null)
            Skip = "dataset-fashion-mnist is not installed (`apt-get install dataset-fashion-mnist`)";
    }
}

/// <summary>
/// `mpirun -np 2 gpugen train …`: two processes train one model, and it is the model one process trains
/// on the same global batch and seed, to float tolerance (the average of two half-batch gradients is
/// the whole batch's, summed in another order).
/// </summary>
public sealed class DataParallelCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-cli-mpi-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private CliRunner.Result Gpugen(params string[] args) => CliRunner.Run(dir, args);

    private CliRunner.Result Mpirun(params string[] args) => CliRunner.RunUnderMpi(dir, 2, args);

    private static JsonElement Json(CliRunner.Result r) => JsonDocument.Parse(r.LastLine).RootElement;

    /// <summary>The largest |a − b| / (1 + |a|) over every tensor of two checkpoints with the same names and shapes.</summary>
    private double Difference(string a, string b)
    {
        var x = SafeTensors.Read(Path.Combine(dir, a));
        var y = SafeTensors.Read(Path.Combine(dir, b));
        Assert.Equal(x.Tensors.Select(t => t.Name), y.Tensors.Select(t => t.Name));
        double worst = 0;
        foreach (var t in x.Tensors)
        {
            Assert.True(y.TryGetTensor(t.Name, out var u));
            var p = t.AsFloat32();
            var q = u.AsFloat32();
            Assert.Equal(p.Length, q.Length);
            for (int i = 0; i < p.Length; i++) worst = Math.Max(worst, Math.Abs((double)p[i] - q[i]) / (1 + Math.Abs((double)p[i])));
        }
        return worst;
    }

    /// <summary>The largest |a − b| and the fraction of elements within <paramref name="tolerance"/>, over every tensor of two checkpoints.</summary>
    private (double Worst, double Agreeing) Agreement(string a, string b, double tolerance)
    {
        var x = SafeTensors.Read(Path.Combine(dir, a));
        var y = SafeTensors.Read(Path.Combine(dir, b));
        double worst = 0;
        long close = 0, total = 0;
        foreach (var t in x.Tensors)
        {
            Assert.True(y.TryGetTensor(t.Name, out var u), $"{b} has no {t.Name}");
            float[] p = t.AsFloat32(), q = u.AsFloat32();
            for (int i = 0; i < p.Length; i++)
            {
                double d = Math.Abs((double)p[i] - q[i]);
                worst = Math.Max(worst, d);
                if (d <= tolerance) close++;
            }
            total += p.Length;
        }
        return (worst, (double)close / total);
    }

    [MpichFact]
    public void TwoProcessesTrainTheToyDiffusionModelOneProcessTrains()
    {
        string[] Args(int seed, string output) =>
            ["train", "ddpm", "--data", "8gaussians", "--steps", "40", "--batch", "64", "--seed", $"{seed}", "--samples", "100", "--json", "--out", output];
        var one = Gpugen(Args(3, "one"));
        Assert.True(one.ExitCode == 0, one.ToString());
        var two = Mpirun(Args(3, "two"));
        Assert.True(two.ExitCode == 0, two.ToString());

        Assert.InRange(Difference("one/model.safetensors", "two/model.safetensors"), 0, 1e-4);
        var j = Json(two);
        Assert.Equal(2, j.GetProperty("world_size").GetInt32());
        Assert.Equal(1, Json(one).GetProperty("world_size").GetInt32());
        Assert.Equal(Json(one).GetProperty("final_loss").GetDouble(), j.GetProperty("final_loss").GetDouble(), 1e-4);
        Assert.Equal(37_762 * 4, j.GetProperty("gradient_bytes_per_step").GetInt64());
        Assert.Equal(Math.Max(1, Environment.ProcessorCount / 2), j.GetProperty("cores_per_process").GetInt32());   // the two processes share the machine's cores
        Assert.True(j.GetProperty("comm_seconds").GetDouble() > 0);
        // Rank 0 alone speaks and writes: one header, one summary, one set of files.
        Assert.Single(two.Stdout.Split('\n'), l => l.StartsWith("training ddpm on 8gaussians", StringComparison.Ordinal));
        Assert.Contains($"×2 processes (data-parallel, mpirun; {Math.Max(1, Environment.ProcessorCount / 2)} of the machine's {Environment.ProcessorCount} cores each)", two.Stdout);
        Assert.Single(two.Stdout.Split('\n'), l => l.StartsWith("{", StringComparison.Ordinal));
        RunFiles.Png(Path.Combine(dir, "two", "samples.png"));

        // Positive control: the comparison sees a different run (another seed) at once.
        var other = Gpugen(Args(4, "other"));
        Assert.True(other.ExitCode == 0, other.ToString());
        Assert.True(Difference("one/model.safetensors", "other/model.safetensors") > 1e-2);
    }

    [MpichFact(needsFashionMnist: true)]
    public void TwoProcessesTrainTheConditionalImageDiffusionModelOneProcessTrains()
    {
        // Labels, label drops (p_uncond 0.5 drops many of 8 rows), timesteps and noise all follow the global batch's rows.
        string[] Args(int seed, string output) =>
            ["train", "ddpm", "--data", "fashion-mnist", "--cond", "--p-uncond", "0.5", "--channels", "8,16", "--blocks", "1", "--time-dim", "32",
             "--batch", "8", "--steps", "6", "--lr", "2e-4", "--samples", "10", "--sample-steps", "2", "--seed", $"{seed}", "--json", "--out", output];
        var one = Gpugen(Args(5, "one"));
        Assert.True(one.ExitCode == 0, one.ToString());
        var two = Mpirun(Args(5, "two"));
        Assert.True(two.ExitCode == 0, two.ToString());
        JsonElement a = Json(one), b = Json(two);
        Assert.Equal(2, b.GetProperty("world_size").GetInt32());
        // The first loss is the initial weights' on the whole batch: the same rows, labels and noise, averaged over the halves.
        Assert.Equal(a.GetProperty("first_loss").GetDouble(), b.GetProperty("first_loss").GetDouble(), 1e-5);
        Assert.Equal(a.GetProperty("final_loss").GetDouble(), b.GetProperty("final_loss").GetDouble(), 1e-3);
        // Adam divides by |g|: a gradient that is rounding noise in both runs can step ±lr either way, so those
        // weights may differ by up to 2·lr a step. This small UNet has such weights: the biases and time
        // projections that feed a GroupNorm of one channel per group (8 channels), whose true gradient is 0
        // (2.1% of the state in the run measured); everything else agrees to float tolerance.
        var (worst, agreeing) = Agreement("one/model.safetensors", "two/model.safetensors", 1e-5);
        Assert.True(agreeing > 0.95, $"{agreeing:P3} of the weights agree to 1e-5");
        Assert.InRange(worst, 0, 2 * 2e-4 * 6);

        var other = Gpugen(Args(6, "other"));   // positive control: another seed
        Assert.True(other.ExitCode == 0, other.ToString());
        Assert.True(Agreement("one/model.safetensors", "other/model.safetensors", 1e-5).Agreeing < 0.5);
    }

    [MpichFact]
    public void ARunResumesOnAnotherNumberOfProcesses()
    {
        string[] common = ["train", "ddpm", "--data", "moons", "--batch", "32", "--samples", "100", "--seed", "2"];
        Assert.Equal(0, Gpugen([.. common, "--steps", "40", "--out", "straight"]).ExitCode);
        Assert.Equal(0, Gpugen([.. common, "--steps", "20", "--out", "split"]).ExitCode);
        var resumed = Mpirun([.. common, "--steps", "40", "--out", "split", "--resume", "--json"]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(20, Json(resumed).GetProperty("steps_run").GetInt64());
        RunFiles.Checkpoint(Path.Combine(dir, "split", "model.safetensors"), "ddpm-2d", 40);
        Assert.InRange(Difference("straight/model.safetensors", "split/model.safetensors"), 0, 1e-4);
    }

    [Fact]
    public void AMissingMpiLibraryIsOneLineNamingThePackage()
    {
        // What mpirun sets, with a library that is not there: the launch is seen, the library does not load.
        var r = CliRunner.RunWithEnvironment(dir, new Dictionary<string, string?>
        {
            ["PMI_RANK"] = "0", ["PMI_SIZE"] = "1", ["GPUGEN_MPI_LIBRARY"] = "libgpugen-no-such-mpi.so.12",
        }, "train", "ddpm", "--data", "8gaussians", "--steps", "5", "--out", "run");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("gpugen: started by mpirun, but no MPI library loads (libgpugen-no-such-mpi.so.12): install MPICH (Debian: apt-get install mpich), "
            + "or name an MPICH-compatible library in GPUGEN_MPI_LIBRARY", r.Stderr.Trim());
        Assert.False(File.Exists(Path.Combine(dir, "run", "model.safetensors")));
        // Positive control: without the launcher's variables the same command trains, MPI untouched.
        Assert.Equal(0, CliRunner.RunWithEnvironment(dir, new Dictionary<string, string?> { ["GPUGEN_MPI_LIBRARY"] = "libgpugen-no-such-mpi.so.12" },
            "train", "ddpm", "--data", "8gaussians", "--steps", "5", "--samples", "50", "--out", "run").ExitCode);
    }

    [MpichFact]
    public void ABatchThatDoesNotSplitIsOneLine()
    {
        var r = Mpirun("train", "ddpm", "--data", "8gaussians", "--steps", "5", "--batch", "63", "--out", "run");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("gpugen: --batch 63 does not split evenly over 2 processes; give a multiple of 2", r.Stderr.Trim());
        Assert.False(Directory.Exists(Path.Combine(dir, "run")));
    }

    [MpichFact]
    public void ADivergedStepEndsEveryProcessWithOneLine()
    {
        var r = Mpirun("train", "ddpm", "--data", "8gaussians", "--steps", "200", "--lr", "1e38", "--checkpoint-every", "1", "--out", "run");
        Assert.Equal(1, r.ExitCode);
        // The losses are averaged, so both processes see the bad step; rank 0 alone says so.
        string[] lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("gpugen:", StringComparison.Ordinal)).ToArray();
        Assert.Single(lines);
        var m = System.Text.RegularExpressions.Regex.Match(lines[0], @"^gpugen: training diverged at step (\d+): loss is (NaN|-?∞|-?Infinity); the last good checkpoint is (\S+) ");
        Assert.True(m.Success, r.ToString());
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, "run", "model.safetensors")));
        long bad = long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        RunFiles.Checkpoint(Path.Combine(dir, m.Groups[3].Value), "ddpm-2d", bad - 1);
        Assert.False(File.Exists(Path.Combine(dir, "run", $"step-{bad}.safetensors")));
    }

    [MpichFact(needsFashionMnist: true)]
    public void ARankThatCannotSetUpIsNamedAndEveryRankStops()
    {
        // Rank 1 is given data it cannot open (as on a machine that lacks the files); rank 0's opens.
        string[] Args(string data) => ["train", "ddpm", "--data", data, "--channels", "8,16", "--batch", "64", "--steps", "3", "--samples", "4", "--out", "run"];
        var r = CliRunner.RunUnderMpiEach(dir, Args("fashion-mnist"), Args("idx:" + Path.Combine(dir, "missing")));
        Assert.NotEqual(0, r.ExitCode);
        string[] lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("gpugen:", StringComparison.Ordinal)).ToArray();
        Assert.True(lines.Length == 1, r.ToString());
        Assert.Equal($"gpugen: rank 1 of 2: --data idx:{Path.Combine(dir, "missing")}: folder '{Path.Combine(dir, "missing")}' does not exist", lines[0]);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, "run", "model.safetensors")));
        // Positive control: with data both ranks can open, the same job trains.
        var ok = CliRunner.RunUnderMpiEach(dir, Args("fashion-mnist"), Args("fashion-mnist"));
        Assert.True(ok.ExitCode == 0, ok.ToString());
        RunFiles.Checkpoint(Path.Combine(dir, "run", "model.safetensors"), "ddpm-image", 3);
    }

    [MpichFact]
    public void ARankKilledMidRunEndsTheJobAndLeavesCompleteCheckpoints()
    {
        var psi = new System.Diagnostics.ProcessStartInfo("mpirun.mpich")
        {
            WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "-np", "2", "dotnet", CliRunner.CliDll, "train", "ddpm", "--data", "8gaussians", "--steps", "1000000", "--checkpoint-every", "20", "--out", "run" })
            psi.ArgumentList.Add(a);
        using var job = System.Diagnostics.Process.Start(psi)!;
        var stdout = job.StandardOutput.ReadToEndAsync();
        var stderr = job.StandardError.ReadToEndAsync();
        try
        {
            string run = Path.Combine(dir, "run");
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!(Directory.Exists(run) && Directory.GetFiles(run, "step-*.safetensors").Length >= 2) && DateTime.UtcNow < deadline) Thread.Sleep(100);
            Assert.True(Directory.GetFiles(run, "step-*.safetensors").Length >= 2, "the job wrote no checkpoints in 2 minutes");
            int rank1 = RankProcess(rank: 1);
            System.Diagnostics.Process.GetProcessById(rank1).Kill();   // SIGKILL: the rank cannot say anything
            Assert.True(job.WaitForExit(TimeSpan.FromMinutes(1)), "the job went on without rank 1");
            Assert.NotEqual(0, job.ExitCode);
            Assert.Contains("BAD TERMINATION", stdout.Result + stderr.Result);   // mpirun names the process that died
            foreach (var step in Directory.GetFiles(run, "step-*.safetensors")) RunFiles.Checkpoint(step, "ddpm-2d", step: null);
            // A checkpoint being written when mpirun killed rank 0 is at most a hidden temporary file; continuing removes it.
            var unfinished = Directory.GetFiles(run, "*.tmp");
            Assert.All(unfinished, t => Assert.Matches(@"^\.step-\d+\.safetensors\.[0-9a-f]{32}\.tmp$", Path.GetFileName(t)));
            long newest = Directory.GetFiles(run, "step-*.safetensors").Max(p => long.Parse(Path.GetFileNameWithoutExtension(p)[5..], System.Globalization.CultureInfo.InvariantCulture));
            File.WriteAllBytes(Path.Combine(run, $".step-{newest + 20}.safetensors.{new string('a', 32)}.tmp"), [1, 2, 3]);   // the positive control: one there for sure
            var resumed = CliRunner.Run(dir, "train", "ddpm", "--data", "8gaussians", "--steps", (newest + 2).ToString(System.Globalization.CultureInfo.InvariantCulture), "--resume", "--out", "run");
            Assert.True(resumed.ExitCode == 0, resumed.ToString());
            Assert.Contains($"resuming from {Path.Combine("run", $"step-{newest}.safetensors")}", resumed.Stdout);
            Assert.Contains($"removed {unfinished.Length + 1} unfinished checkpoint file", resumed.Stdout);
            Assert.Empty(Directory.GetFiles(run, "*.tmp"));
            RunFiles.Checkpoint(Path.Combine(run, "model.safetensors"), "ddpm-2d", newest + 2);
        }
        finally
        {
            if (!job.HasExited) job.Kill(entireProcessTree: true);
        }
    }

    /// <summary>The process id of this test's rank <paramref name="rank"/>: a `gpugen train` working in this test's folder whose environment has PMI_RANK=rank.</summary>
    private int RankProcess(int rank)
    {
        foreach (var proc in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out int pid)) continue;
            try
            {
                string command = File.ReadAllText(Path.Combine(proc, "cmdline")).Replace('\0', ' ');
                if (!command.Contains("GpuGen.Cli.dll train", StringComparison.Ordinal)) continue;
                if (new DirectoryInfo(Path.Combine(proc, "cwd")).ResolveLinkTarget(returnFinalTarget: false)?.FullName != dir) continue;
                if (File.ReadAllText(Path.Combine(proc, "environ")).Split('\0').Contains($"PMI_RANK={rank}")) return pid;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the process ended while we looked
            }
        }
        throw new InvalidOperationException($"no process of rank {rank} in {dir}");
    }
}
