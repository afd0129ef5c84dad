// A program that uses a trained model without knowing its family: loads any GpuGen checkpoint,
// draws samples and a picture of them, measures it, and trains it a little further; then trains a new
// model from scratch through a family's recipe, as `gpugen train` does, with its parameters in code.
// Run: dotnet run --project examples/AnyModel -c Release [-- CHECKPOINT [OUTDIR]]
// (default: the shipped 2-D RealNVP, models/realnvp-8gaussians.safetensors)
using GpuGen.Models;
using GpuGen.Models.Flows;
using GpuGen.Tensors;
using GpuGen.Training;

string path = args.Length > 0 ? args[0] : "models/realnvp-8gaussians.safetensors";
string output = args.Length > 1 ? args[1] : "runs/any-model";
Directory.CreateDirectory(output);

using var device = Device.Open("cpu");                       // or "cuda:0", "ilgpu-cpu", …
using var model = GenerativeModel.Load(path, device);         // the checkpoint names its family
Console.WriteLine($"{model.Family} on {model.DataName}, step {model.Step}: {model.Description}");

// Samples: the same seed gives the same samples on every device.
var drawn = model.Sample(new SampleRequest(N: 16, Seed: 1, Pictures: new HashSet<string> { SamplePictures.Grid }));
Console.WriteLine($"{drawn.Shape[0]} samples of shape [{string.Join(", ", drawn.Shape.Skip(1))}] in {drawn.Seconds:F2} s");
drawn.Pictures[SamplePictures.Grid].SavePng(Path.Combine(output, "samples.png"));

// The family's held-out metrics (no Fréchet distance here: that trains a classifier on first use).
var numbers = model.Evaluate(new EvalRequest(N: 500, Seed: 1, FrechetDistance: false), Console.Out);
Console.WriteLine(numbers);

// Twenty more steps through the same driver `gpugen train` uses; the run owns the model from here.
using var run = model.Continue();
var result = TrainingDriver.Run(run, new TrainingOptions(Path.Combine(output, "run"), Steps: run.Step + 20, PictureSeed: 1));
Console.WriteLine($"continued to step {result.Step} ({result.StepsPerSecond:F1} steps/s), loss {result.Final(0):F4}; wrote {result.Checkpoint}");

// A new model from its family's recipe: `gpugen train realnvp --data moons --layers 8 --steps 300`,
// without the command line. Every family's recipes are listed in ModelFamilies.
var recipe = ModelFamilies.Recipes.Single(r => r.Command == "realnvp");
var open = recipe.Prepare(recipe.Arguments((TrainParameters.Data, "moons"), (TrainParameters.Steps, 300), (FlowRecipe.Layers, 8)));
using var fresh = open(device, resume: null);
var trained = TrainingDriver.Run(fresh, new TrainingOptions(Path.Combine(output, "fresh"), Steps: 300, PictureSeed: 1));
Console.WriteLine($"a new {fresh.Info.Family} on {fresh.Info.DataName}: {trained.Step} steps ({trained.StepsPerSecond:F0} steps/s), loss {trained.Final(0):F3}; wrote {trained.Checkpoint}");
