using GpuGen.Data;
using GpuGen.Models;
using GpuGen.Models.Classifier;
using GpuGen.Models.Diffusion;
using GpuGen.Models.Flows;
using GpuGen.Models.Gan;
using GpuGen.Models.PixelCnn;
using GpuGen.Models.Vae;
using GpuGen.Tensors;
using GpuGen.Tests.Cli;
using GpuGen.Tests.Models;
using GpuGen.Training;

namespace GpuGen.Tests.Training;

/// <summary>
/// The recipes of <see cref="ModelFamilies"/> as an embedding program uses them, without a command
/// line: arguments from code become a model, which trains under the driver, saves a checkpoint holding
/// the arguments given, and — where the recipe has a live view — previews itself. And the command line
/// makes each recipe a `gpugen train` sub-command with exactly the parameters it declares.
/// </summary>
public sealed class TrainingRecipeTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-recipe-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<string> Recipes()
    {
        var commands = new TheoryData<string>();
        foreach (var recipe in ModelFamilies.Recipes) commands.Add(recipe.Command);
        return commands;
    }

    [Theory]
    [MemberData(nameof(Recipes))]
    public void ArgumentsFromCodeTrainAModelThatKeepsThem(string command)
    {
        var recipe = ModelFamilies.Recipes.Single(x => x.Command == command);
        string shapes = SyntheticShapes.WriteIdx(Path.Combine(dir, "shapes"), 16, 8, seed: 11);
        var (args, family, check) = Tiny(command, shapes);
        using var device = Device.Cpu();
        string runDir = Path.Combine(dir, "run");
        using (var run = recipe.Prepare(recipe.Arguments([(TrainParameters.Steps, 2), (TrainParameters.Seed, 5UL), .. args]))(device, resume: null))
        {
            Assert.Equal(family, run.Info.Family);
            var result = TrainingDriver.Run(run, new TrainingOptions(runDir, Steps: 2));
            Assert.Equal(2, result.Step);
            var preview = run.Preview(seed: 3);
            if (recipe.LiveView is null)
            {
                Assert.Null(preview);
            }
            else
            {
                Assert.NotNull(preview);
                Assert.Equal(2, preview.Step);
                Assert.Equal(preview.Count * (preview.Points ? 2 : preview.Channels * preview.Height * preview.Width), preview.Values.Length);
                Assert.All(preview.Values, v => Assert.True(float.IsFinite(v)));
            }
        }
        using var model = GenerativeModel.Load(Path.Combine(runDir, RunFolder.FinalName), device);
        Assert.Equal((family, 2L), (model.Family, model.Step));
        check(model);
    }

    [Fact]
    public void ArgumentsAreCheckedAndDefaultToTheRecipes()
    {
        var ddpm = DiffusionRecipe.Ddpm;
        var args = ddpm.Arguments((DiffusionRecipe.Hidden, 64));
        Assert.Equal(64, args.Get(DiffusionRecipe.Hidden));
        Assert.True(args.IsGiven(DiffusionRecipe.Hidden));
        Assert.Equal(3, args.Get(DiffusionRecipe.Layers));
        Assert.False(args.IsGiven(DiffusionRecipe.Layers));
        Assert.Equal(("8gaussians", 3000, 100), (args.Data, args.Steps, args.Get(TrainParameters.ViewEvery)));
        Assert.Equal(("fashion-mnist", 25), (GanRecipe.Unconditional.Arguments().Data, GanRecipe.Unconditional.Arguments().Get(TrainParameters.ViewEvery)));
        Assert.Null(args.Get(TrainParameters.Batch));
        Assert.Equal(1024, args.BatchOr(1024));

        var wrongType = Assert.Throws<ArgumentException>(() => ddpm.Arguments((DiffusionRecipe.Hidden, "wide")));
        Assert.Equal("--hidden takes a Int32, got a String", wrongType.Message);
        var twice = Assert.Throws<ArgumentException>(() => ddpm.Arguments((DiffusionRecipe.Hidden, 8), (DiffusionRecipe.Hidden, 16)));
        Assert.Equal("--hidden is given twice", twice.Message);
        Assert.Equal(0.5f, ddpm.Arguments((DiffusionRecipe.Ema, 0.5f)).Get(DiffusionRecipe.Ema)); // a nullable parameter takes its value type
        var zero = Assert.Throws<TrainArgumentException>(() => ddpm.Arguments((TrainParameters.Samples, 0)).SamplesOr(64));
        Assert.Equal("--samples must be a positive number, got 0", zero.Message);
    }

    [Fact]
    public void ARecipeRefusesWhatItsDataMakesMeaningless()
    {
        var ddpm = DiffusionRecipe.Ddpm;
        var e = Assert.Throws<TrainArgumentException>(() => ddpm.Prepare(ddpm.Arguments((TrainParameters.Data, "moons"), (DiffusionRecipe.Channels, "8,16"))));
        Assert.Equal("--channels applies to image data only, not to the 2-D toy 'moons'", e.Message);
        Assert.NotNull(ddpm.Prepare(ddpm.Arguments((TrainParameters.Data, "moons"), (DiffusionRecipe.Hidden, 8)))); // positive control: a toy parameter is fine
        var nvp = FlowRecipe.Nice;
        var conv = Assert.Throws<TrainArgumentException>(() => nvp.Prepare(nvp.Arguments((TrainParameters.Data, "moons"), (FlowRecipe.Arch, FlowConfig.Conv))));
        Assert.Equal("--arch conv is RealNVP's multi-scale architecture for images, not for nice on moons", conv.Message);
        var missing = Assert.Throws<TrainArgumentException>(() => VaeRecipe.Unconditional.Prepare(VaeRecipe.Unconditional.Arguments((TrainParameters.Data, $"idx:{dir}/none"))));
        Assert.StartsWith($"--data idx:{dir}/none", missing.Message);
    }

    [Fact]
    public void TheCommandLineMakesEachRecipeASubCommandWithItsParameters()
    {
        var train = CliRunner.Run(dir, "train", "--help");
        Assert.True(train.ExitCode == 0, train.ToString());
        foreach (var recipe in ModelFamilies.Recipes)
        {
            Assert.Contains(recipe.Command, train.Stdout);
            var help = CliRunner.Run(dir, "train", recipe.Command, "--help");
            Assert.True(help.ExitCode == 0, help.ToString());
            foreach (var parameter in recipe.Parameters)
            {
                Assert.Contains(parameter.Name, help.Stdout);
                Assert.Contains(parameter.Description.Split(' ')[0], help.Stdout);
            }
            foreach (var shared in new[] { "--data", "--steps", "--seed", "--out", "--batch", "--lr", "--resume", "--init", "--force", "--max-seconds", "--device", "--json" })
                Assert.Contains(shared, help.Stdout);
            // The live window's flags exactly where the recipe has a live view.
            Assert.Equal(recipe.LiveView is not null, help.Stdout.Contains("--view-every", StringComparison.Ordinal));
        }
    }

    /// <summary>Each recipe's tiny arguments, the family its checkpoint carries, and what the loaded model must show of the arguments.</summary>
    private static (IEnumerable<(TrainParameter, object?)> Args, string Family, Action<GenerativeModel> Check) Tiny(string command, string shapes)
    {
        (TrainParameter, object?) data = (TrainParameters.Data, shapes), batch = (TrainParameters.Batch, 8), samples = (TrainParameters.Samples, 4);
        return command switch
        {
            "ddpm" => ([(TrainParameters.Data, "moons"), (DiffusionRecipe.Hidden, 16), (DiffusionRecipe.Layers, 1), (TrainParameters.Batch, 64), (TrainParameters.Samples, 64)],
                ToyDiffusion.Family, m =>
                {
                    var c = ((ToyDiffusionModel)m).Model.Config;
                    Assert.Equal((16, 1, 64, "moons"), (c.Hidden, c.HiddenLayers, c.Batch, c.Data));
                }),
            "classifier" => ([data, batch, samples], ImageClassifier.Family, m =>
                {
                    using var classifier = ImageClassifier.Load(m.Device, m.Path);
                    Assert.Equal(8, classifier.Config.Batch);
                }),
            "vae" or "cvae" => ([data, batch, samples, (VaeRecipe.Latent, 3), (VaeRecipe.Hidden, 32)], command,
                m => Assert.Equal((3, (int?)32, command == "cvae"), (((VaeModel)m).Model.Config.Latent, ((VaeModel)m).Model.Config.Hidden, ((VaeModel)m).Model.Config.Conditional))),
            "nice" or "realnvp" => ([data, batch, samples, (FlowRecipe.Layers, 2), (FlowRecipe.Hidden, 16)], command,
                m => Assert.Equal((2, 16), (((FlowModel)m).Model.Config.Layers, ((FlowModel)m).Model.Config.Hidden))),
            "gan" => ([(TrainParameters.Data, "8gaussians"), (GanRecipe.Hidden, 16), (GanRecipe.Layers, 1), (TrainParameters.Batch, 32), (TrainParameters.Samples, 64)],
                Gan.Family, m => Assert.Equal((16, 0), (((GanModel)m).Model.Config.Hidden, ((GanModel)m).Model.Config.Classes))),
            "cgan" => ([data, batch, samples, (GanRecipe.GChannels, 16), (GanRecipe.DChannels, 8)], Gan.Family,
                m => Assert.Equal(((int?)16, SyntheticShapes.Classes), (((GanModel)m).Model.Config.GChannels, ((GanModel)m).Model.Config.Classes))),
            "pixelcnn" => ([data, (TrainParameters.Batch, 4), (TrainParameters.Samples, 2), (PixelCnnRecipe.Channels, 8), (PixelCnnRecipe.Layers, 1)], PixelCnn.Family,
                m => Assert.Equal(8, ((PixelCnnModel)m).Model.Config.Channels)),
            _ => throw new ArgumentException($"{command}: a recipe in the registry without tiny arguments in this test; add them"),
        };
    }
}
