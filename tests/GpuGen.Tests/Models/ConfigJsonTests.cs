using GpuGen.IO;
using GpuGen.Models;
using GpuGen.Models.Classifier;
using GpuGen.Models.Diffusion;
using GpuGen.Models.Flows;
using GpuGen.Models.Gan;
using GpuGen.Models.PixelCnn;
using GpuGen.Models.Vae;
using GpuGen.Tensors;

namespace GpuGen.Tests.Models;

/// <summary>
/// The configs' JSON (source-generated): every config round-trips, the field names are the ones old
/// checkpoints carry, and an unknown, missing or mistyped field is one line naming the field and the file.
/// </summary>
public sealed class ConfigJsonTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-config-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>A config of each type with no field at its default, and a reader that writes back what it read.</summary>
    private static readonly Dictionary<string, (string Json, Func<string, string, string> RoundTrip)> Configs = new()
    {
        ["toy"] = Of(new ToyDiffusionConfig("moons", 16, 2, 8, 300, 2e-4, 0.03, "cosine", 3e-3f, 256, 5, 0.9f)),
        ["image"] = Of(new ImageDiffusionConfig
        {
            Data = "idx:/tmp/x", ImageChannels = 3, Height = 16, Width = 16, Channels = [8, 16], BlocksPerLevel = 2, TimeDim = 16, Groups = 4,
            Attention = true, Classes = 5, PUncond = 0.2f, Schedule = "linear", Timesteps = 100, BetaStart = 2e-4, BetaEnd = 0.01,
            Prediction = PredictionType.V, LearningRate = 1e-3f, Batch = 8, Seed = 6, EmaDecay = 0.99f,
        }),
        ["classifier"] = Of(new ClassifierConfig(3, 8, 12, 4, 4, 8, 16, 6, 0.1f, 1e-3f, 16, 20, 7, false, "folder:/tmp/y", "abc")),
        ["vae"] = Of(new VaeConfig(true, VaeConfig.Conv, "idx:/tmp/z", 2, 8, 12, 3, 4, VaeConfig.Gaussian, 0.2f, 2e-3f, 16, 8, 64)),
        ["flow"] = Of(new FlowConfig(FlowConfig.Nice, "idx:/tmp/w", 2, 4, 4, 3, 16, 1, "channel", true, 0.1f, 2e-3f, 16, 9, FlowConfig.Mlp, 3, 1, 50)),
        ["gan"] = Of(new GanConfig
        {
            Data = "idx:/tmp/v", Height = 8, Width = 12, Latent = 4, Hidden = 16, HiddenLayers = 2, Classes = 3, LabelDim = 5, LearningRate = 1e-3f,
            Beta1 = 0.4f, Beta2 = 0.9f, Batch = 16, Seed = 10, RealTarget = 0.9f, SpectralNorm = true, GChannels = 32, DChannels = 16,
        }),
        ["pixelcnn"] = Of(new PixelCnnConfig { Data = "idx:/tmp/u", Height = 8, Width = 12, Channels = 8, ResidualLayers = 2, Classes = 3, LearningRate = 2e-3f, Batch = 4, Seed = 11 }),
    };

    private static (string, Func<string, string, string>) Of<T>(T config) where T : IModelConfig<T> =>
        (ConfigJson.Write(config), (json, source) => ConfigJson.Write(ConfigJson.Read<T>(json, source)));

    public static TheoryData<string> ConfigNames => new(Configs.Keys);

    [Theory]
    [MemberData(nameof(ConfigNames))]
    public void EveryConfigRoundTrips(string name)
    {
        var (json, roundTrip) = Configs[name];
        Assert.Equal(json, roundTrip(json, "test"));
    }

    [Fact]
    public void RecordsComeBackEqual()
    {
        var toy = new ToyDiffusionConfig("twomoons", 16, 2);
        Assert.Equal(toy with { Data = "moons" }, ConfigJson.Read<ToyDiffusionConfig>(ConfigJson.Write(toy), "test"));
        var flow = new FlowConfig(FlowConfig.Nice, "idx:/tmp/w", 2, 4, 4, 3, 16, 1, "channel", true, 0.1f, 2e-3f, 16, 9, FlowConfig.Mlp, 3, 1, 50);
        Assert.Equal(flow, ConfigJson.Read<FlowConfig>(ConfigJson.Write(flow), "test"));
    }

    /// <summary>The JSON of a default config, field for field as the hand-written writers of 87ddd7a put it.</summary>
    [Fact]
    public void FieldNamesAreTheOnesCheckpointsCarry()
    {
        Assert.Equal("""{"data":"8gaussians","hidden":128,"hidden_layers":3,"embedding_dim":32,"timesteps":1000,"beta_start":0.0001,"beta_end":0.02,"schedule":"linear","lr":0.001,"batch":1024,"seed":0,"ema_decay":0.995}""",
            ConfigJson.Write(new ToyDiffusionConfig()));
        Assert.Equal("""{"conditional":false,"arch":"mlp","data":"fashion-mnist","channels":1,"height":28,"width":28,"classes":10,"latent":20,"likelihood":"bernoulli","gaussian_std":0.1,"lr":0.001,"batch":128,"seed":0}""",
            ConfigJson.Write(new VaeConfig()));
        Assert.Equal("""{"data":"fashion-mnist","architecture":"dcgan","height":28,"width":28,"latent":64,"hidden":128,"hidden_layers":3,"classes":0,"label_dim":32,"lr":0.0002,"beta1":0.5,"beta2":0.999,"batch":64,"seed":0,"real_target":1,"spectral_norm":false,"r1_gamma":0}""",
            ConfigJson.Write(new GanConfig()));
    }

    [Theory]
    [MemberData(nameof(ConfigNames))]
    public void UnknownFieldIsNamed(string name)
    {
        var (json, roundTrip) = Configs[name];
        var e = Assert.Throws<InvalidDataException>(() => roundTrip(json.Replace("\"seed\":", "\"sead\":1,\"seed\":"), "checkpoint a.safetensors"));
        Assert.Equal("checkpoint a.safetensors: config field 'sead' is unknown", e.Message);
    }

    [Theory]
    [MemberData(nameof(ConfigNames))]
    public void MissingFieldIsNamed(string name)
    {
        var (json, roundTrip) = Configs[name];
        string without = System.Text.RegularExpressions.Regex.Replace(json, "\"batch\":[0-9]+,?", "");
        Assert.DoesNotContain("batch", without);
        var e = Assert.Throws<InvalidDataException>(() => roundTrip(without, "checkpoint a.safetensors"));
        Assert.Equal("checkpoint a.safetensors: config has no 'batch'", e.Message);
    }

    [Theory]
    [MemberData(nameof(ConfigNames))]
    public void WrongTypeIsNamed(string name)
    {
        var (json, roundTrip) = Configs[name];
        string wrong = System.Text.RegularExpressions.Regex.Replace(json, "\"batch\":[0-9]+", "\"batch\":\"big\"");
        var e = Assert.Throws<InvalidDataException>(() => roundTrip(wrong, "checkpoint a.safetensors"));
        Assert.Equal("checkpoint a.safetensors: config field 'batch' is \"big\", expected an integer", e.Message);
    }

    [Fact]
    public void OtherWrongValuesAreNamed()
    {
        var (image, readImage) = Configs["image"];
        Assert.Equal("s: config field 'channels' is [8,\"x\"], expected a list of integers",
            Assert.Throws<InvalidDataException>(() => readImage(image.Replace("[8,16]", "[8,\"x\"]"), "s")).Message);
        Assert.Equal("s: config field 'prediction' is \"q\", expected a PredictionType name",
            Assert.Throws<InvalidDataException>(() => readImage(image.Replace("\"prediction\":\"v\"", "\"prediction\":\"q\""), "s")).Message);
        Assert.Equal("s: config field 'data' is null, expected a string",
            Assert.Throws<InvalidDataException>(() => readImage(image.Replace("\"data\":\"idx:/tmp/x\"", "\"data\":null"), "s")).Message);
        Assert.Equal("s: config field 'seed' is -1, expected a non-negative integer",
            Assert.Throws<InvalidDataException>(() => readImage(image.Replace("\"seed\":6", "\"seed\":-1"), "s")).Message);
        Assert.StartsWith("s: config is not valid JSON",
            Assert.Throws<InvalidDataException>(() => readImage(image[..^1], "s")).Message);
        // Validation still runs after reading.
        Assert.Equal("s: bad model config (p_uncond must be in [0, 1), got 1.5)",
            Assert.Throws<InvalidDataException>(() => readImage(image.Replace("\"p_uncond\":0.2", "\"p_uncond\":1.5"), "s")).Message);
    }

    [Fact]
    public void FlowConfigFromBeforeTheConvArchitectureReadsAsMlp()
    {
        var (flow, _) = Configs["flow"];
        string old = System.Text.RegularExpressions.Regex.Replace(flow, ",\"arch\":.*}$", "}");
        Assert.DoesNotContain("scales", old);
        var config = ConfigJson.Read<FlowConfig>(old, "s");
        Assert.Equal((FlowConfig.Mlp, 2, 2, 0), (config.Arch, config.Scales, config.Blocks, config.DecaySteps));
    }

    [Fact]
    public void VaeAndGanConfigsFromBeforeTheWidthFieldsReadAsTheOldNetworks_AndWriteBackAsTheyWere()
    {
        var (vae, _) = Configs["vae"];
        string oldVae = vae.Replace(",\"hidden\":64", "");
        Assert.DoesNotContain("hidden", oldVae);
        Assert.Equal(512, ConfigJson.Read<VaeConfig>(oldVae, "s").HiddenWidth);
        Assert.Equal(oldVae, ConfigJson.Write(ConfigJson.Read<VaeConfig>(oldVae, "s")));
        Assert.Equal(64, ConfigJson.Read<VaeConfig>(vae, "s").HiddenWidth);   // positive control
        var (gan, _) = Configs["gan"];
        string oldGan = gan.Replace(",\"g_channels\":32,\"d_channels\":16", "");
        Assert.DoesNotContain("channels", oldGan);
        var config = ConfigJson.Read<GanConfig>(oldGan, "s");
        Assert.Equal((128, 64), (config.GeneratorChannels, config.DiscriminatorChannels));
        Assert.Equal(oldGan, ConfigJson.Write(config));   // and it writes back as it was
        Assert.Equal(config with { GChannels = 32, DChannels = 16 }, ConfigJson.Read<GanConfig>(gan, "s"));
        // Only the new fields may be missing.
        Assert.Equal("s: config has no 'latent'",
            Assert.Throws<InvalidDataException>(() => ConfigJson.Read<VaeConfig>(oldVae.Replace("\"latent\":4,", ""), "s")).Message);
    }

    [Fact]
    public void CheckpointWithABadConfigNamesTheFileAndField()
    {
        using var device = Device.Cpu();
        string path = Path.Combine(dir, "toy.safetensors");
        using (var run = ToyDiffusion.Create(device, new ToyDiffusionConfig(Hidden: 8, HiddenLayers: 1, Batch: 16)))
            run.Save(path);
        using (var ok = ToyDiffusion.Load(device, path)) Assert.Equal(8, ok.Config.Hidden);   // positive control

        var file = SafeTensors.Read(path);
        var meta = file.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        meta["gpugen.config"] = meta["gpugen.config"].Replace("\"hidden\":", "\"hiddn\":");
        SafeTensors.Write(path, file.Tensors.ToList(), meta);
        var e = Assert.Throws<InvalidDataException>(() => ToyDiffusion.Load(device, path));
        Assert.Equal($"checkpoint {path}: config field 'hiddn' is unknown", e.Message);
    }
}
