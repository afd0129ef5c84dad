using GpuGen.IO;
using GpuGen.Models.Classifier;
using GpuGen.Models.Diffusion;
using GpuGen.Models.Flows;
using GpuGen.Models.Gan;
using GpuGen.Models.PixelCnn;
using GpuGen.Tensors;
using GpuGen.Tests.Cli;
using GpuGen.Tests.Support;
using GpuGen.Training;

namespace GpuGen.Tests.Engine;

/// <summary>
/// Checkpoints written by an earlier build (Fixtures/Checkpoints, made by scripts/make-checkpoint-fixtures.sh;
/// its README names the commit) must still load, sample the same with the same seed on cpu, and be
/// written back tensor for tensor as they were: users keep their trained models across versions, and
/// PyTorch readers rely on the tensor names.
/// </summary>
public sealed class CheckpointFixtureTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Checkpoints");
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-fixtures-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static string Fixture(string name) => Path.Combine(Fixtures, name);

    /// <summary>The `gpugen sample` arguments each fixture's samples were drawn with (after --seed 7 --npy FILE).</summary>
    public static TheoryData<string, string[]> Sampled => new()
    {
        { "ddpm-2d", ["-n", "16"] },
        { "ddpm-2d-f16", ["-n", "16"] },
        { "ddpm-image-cond", ["-n", "4", "--sampler", "ddim", "--steps", "4"] },
        { "nice-toy", ["-n", "16"] },
        { "realnvp-toy", ["-n", "16"] },
        { "realnvp-image-conv", ["-n", "2"] },
        { "gan-mlp", ["-n", "16"] },
        { "pixelcnn-cond", ["-n", "2"] },
        { "cvae-conv-f16", ["-n", "4"] },
    };

    // The cpu backend runs every kernel in a fixed order, so the same weights and seed give the same
    // samples bit for bit; the tolerance only leaves room for a future reordering of a sum (a few ulps,
    // grown through at most 50 sampling steps). A weight loaded wrongly (a missing, swapped or
    // transposed tensor, an EMA taken for the live weights) moves the samples by far more.
    private const double Rtol = 1e-5, Atol = 1e-5;

    [Theory]
    [MemberData(nameof(Sampled))]
    public void FixtureSamplesAsWhenItWasWritten(string name, string[] args)
    {
        string npy = Path.Combine(dir, "samples.npy");
        var r = CliRunner.Run(dir, ["sample", Fixture(name + ".safetensors"), "--seed", "7", "--npy", npy, .. args]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var expected = Npy.ReadFloat32(Fixture(name + "-samples.npy"), out var expectedShape);
        var actual = Npy.ReadFloat32(npy, out var shape);
        Assert.Equal(expectedShape, shape);
        Approx.Close(Array.ConvertAll(expected, v => (double)v), actual, Rtol, Atol, $"{name} samples");
    }

    /// <summary>Positive control for the tolerance: the live weights instead of the EMA's fall outside it.</summary>
    [Fact]
    public void LiveWeightsInsteadOfTheAverageAreOutsideTheTolerance()
    {
        string npy = Path.Combine(dir, "samples.npy");
        var r = CliRunner.Run(dir, "sample", Fixture("ddpm-2d.safetensors"), "--seed", "7", "--npy", npy, "-n", "16", "--no-ema");
        Assert.True(r.ExitCode == 0, r.ToString());
        var expected = Npy.ReadFloat32(Fixture("ddpm-2d-samples.npy"), out _);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Approx.Close(Array.ConvertAll(expected, v => (double)v), Npy.ReadFloat32(npy, out _), Rtol, Atol));
    }

    [Fact]
    public void ClassifierFixtureGivesTheSameLogits()
    {
        using var dev = Device.Cpu();
        using var clf = ImageClassifier.Load(dev, Fixture("classifier.safetensors"));
        var inputs = Npy.ReadFloat32(Fixture("classifier-inputs.npy"), out var shape);
        using var x = Tensor.FromArray(dev, inputs, shape);
        var expected = Npy.ReadFloat32(Fixture("classifier-logits.npy"), out _);
        Approx.Close(Array.ConvertAll(expected, v => (double)v), clf.Logits(x), Rtol, Atol, "classifier logits");
    }

    /// <summary>Loads a training checkpoint with its family's Load and writes it with its Save.</summary>
    private static void Resave(string family, Device dev, string from, string to)
    {
        switch (family)
        {
            case ToyDiffusion.Family: using (var m = ToyDiffusion.Load(dev, from)) m.Save(to); break;
            case ImageDiffusion.Family: using (var m = ImageDiffusion.Load(dev, from)) m.Save(to); break;
            case ImageClassifier.Family: using (var m = ImageClassifier.Load(dev, from)) m.Save(to); break;
            case Gan.Family: using (var m = Gan.Load(dev, from)) m.Save(to); break;
            case PixelCnn.Family: using (var m = PixelCnn.Load(dev, from)) m.Save(to); break;
            case FlowConfig.Nice or FlowConfig.RealNvp: using (var m = Flow.Load(dev, from)) m.Save(to); break;
            default: throw new ArgumentException($"no loader for family '{family}'");
        }
    }

    [Theory]
    [InlineData("ddpm-2d")]
    [InlineData("ddpm-image-cond")]
    [InlineData("classifier")]
    [InlineData("nice-toy")]
    [InlineData("realnvp-toy")]
    [InlineData("realnvp-image-conv")]
    [InlineData("gan-mlp")]
    [InlineData("pixelcnn-cond")]
    public void FixtureIsWrittenBackAsItWas(string name)
    {
        string from = Fixture(name + ".safetensors"), to = Path.Combine(dir, "resaved.safetensors");
        using var dev = Device.Cpu();
        Resave(Checkpoint.ReadFamily(from), dev, from, to);
        AssertSameContent(SafeTensors.Read(from), SafeTensors.Read(to));
    }

    [Fact]
    public void ExportOfAFixtureIsTheStoredExport()
    {
        string to = Path.Combine(dir, "export.safetensors");
        CheckpointExport.ToFloat16(Fixture("ddpm-2d.safetensors"), to);
        AssertSameContent(SafeTensors.Read(Fixture("ddpm-2d-f16.safetensors")), SafeTensors.Read(to));
    }

    /// <summary>The same tensor names, dtypes, shapes and values, and the same metadata, config JSON included.</summary>
    private static void AssertSameContent(SafeTensorsFile expected, SafeTensorsFile actual)
    {
        Assert.Equal(expected.Metadata.OrderBy(kv => kv.Key), actual.Metadata.OrderBy(kv => kv.Key));
        Assert.Equal(expected.Tensors.Select(t => t.ToString()).Order(), actual.Tensors.Select(t => t.ToString()).Order());
        foreach (var t in expected.Tensors)
        {
            var a = actual[t.Name];
            if (t.DType == SafeTensorDType.I32) Assert.Equal(t.AsInt32(), a.AsInt32());
            else Assert.True(t.AsFloat32().AsSpan().SequenceEqual(a.AsFloat32()), $"tensor '{t.Name}' differs");
        }
    }
}
