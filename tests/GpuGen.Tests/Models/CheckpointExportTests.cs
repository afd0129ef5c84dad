using GpuGen.IO;
using GpuGen.Models.Diffusion;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Tests.Models;

/// <summary>Exported float16 checkpoints: EMA weights only, loadable for sampling, refused for resuming.</summary>
public sealed class CheckpointExportTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-export-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void ExportKeepsEmaWeightsInHalfAndLoadsAsFloat32()
    {
        using var device = Device.Cpu();
        string full = Path.Combine(dir, "model.safetensors"), small = Path.Combine(dir, "model-f16.safetensors");
        float[][] live, ema;
        using (var run = ToyDiffusion.Create(device, new ToyDiffusionConfig(Batch: 64, Seed: 5, Data: "moons", EmaDecay: 0.9f)))
        {
            for (int i = 0; i < 20; i++) run.TrainStep();
            run.Save(full);
            live = run.Model.Parameters().Select(p => p.ToArray()).ToArray();
            ema = run.Ema!.Shadow.Select(s => s.ToArray()).ToArray();
        }
        var summary = CheckpointExport.ToFloat16(full, small);
        Assert.True(summary.Ema);
        Assert.Equal(live.Sum(p => (long)p.Length), summary.Weights);
        // Weights in 2 bytes instead of weights + EMA + two Adam moments in 4 bytes each: under a sixth.
        Assert.InRange(summary.Bytes, summary.SourceBytes / 12, summary.SourceBytes / 6);

        var file = SafeTensors.Read(small);
        Assert.DoesNotContain(file.Tensors, t => t.Name.StartsWith("optim.") || t.Name.StartsWith("ema."));
        Assert.Equal("ema", file.Metadata[CheckpointExport.WeightsKey]);
        Assert.False(file.Metadata.ContainsKey("gpugen.optim.step"));

        using var loaded = ToyDiffusion.Load(device, small);
        Assert.Equal(20, loaded.Step);   // the step survives the export (Adam's count is set from it)
        var got = loaded.Model.Parameters().Select(p => p.ToArray()).ToArray();
        bool differsFromLive = false;
        for (int k = 0; k < got.Length; k++)
            for (int i = 0; i < got[k].Length; i++)
            {
                Assert.True(Math.Abs(got[k][i] - (double)ema[k][i]) <= Math.Max(Math.Abs(ema[k][i]) * Math.Pow(2, -11), Math.Pow(2, -25)),
                    $"parameter {k}[{i}]: EMA {ema[k][i]}, exported {got[k][i]}");
                differsFromLive |= Math.Abs(live[k][i] - ema[k][i]) > 4 * Math.Abs(got[k][i] - ema[k][i]) + 1e-6;
            }
        Assert.True(differsFromLive);   // the EMA (decay 0.9 over 20 steps) is not the live weights: the export took the EMA

        // The live weights on request.
        CheckpointExport.ToFloat16(full, small, useEma: false);
        using var liveLoaded = ToyDiffusion.Load(device, small);
        Assert.Equal("live", SafeTensors.Read(small).Metadata[CheckpointExport.WeightsKey]);
        var p0 = liveLoaded.Model.Parameters().First().ToArray();
        for (int i = 0; i < p0.Length; i++) Assert.Equal((float)(Half)live[0][i], p0[i]);
    }

    [Fact]
    public void ExportedFileCannotResumeButTheTrainingCheckpointCan()
    {
        using var device = Device.Cpu();
        string full = Path.Combine(dir, "model.safetensors"), small = Path.Combine(dir, "small.safetensors");
        using (var run = ToyDiffusion.Create(device, new ToyDiffusionConfig(Batch: 16)))
        {
            run.TrainStep();
            run.Save(full);
        }
        Checkpoint.EnsureResumable(full);   // positive control: a training checkpoint resumes
        CheckpointExport.ToFloat16(full, small);
        var ex = Assert.Throws<InvalidDataException>(() => Checkpoint.EnsureResumable(small));
        Assert.Contains($"checkpoint {small}: holds exported float16 weights without optimizer state", ex.Message);
    }

    [Fact]
    public void NonFiniteWeightsAreNotExported()
    {
        string full = Path.Combine(dir, "nan.safetensors"), small = Path.Combine(dir, "nan-f16.safetensors");
        using (var device = Device.Cpu())
        using (var run = ToyDiffusion.Create(device, new ToyDiffusionConfig(Batch: 16)))
        {
            var p = run.Model.Parameters().First();
            var data = p.ToArray();
            data[3] = float.NaN;
            p.CopyFrom(data);
            run.Ema!.Shadow[0].CopyFrom(data);
            run.Save(full);
        }
        var ex = Assert.Throws<InvalidDataException>(() => CheckpointExport.ToFloat16(full, small));
        Assert.Contains($"checkpoint {full}: tensor '", ex.Message);
        Assert.Contains("element 3 is NaN", ex.Message);
        Assert.False(File.Exists(small));
    }
}
