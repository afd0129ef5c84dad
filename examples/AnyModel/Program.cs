// A program that uses a trained model without knowing its family: loads any GpuGen checkpoint,
// draws samples and a picture of them, measures it, and trains it a little further.
// Run: dotnet run --project examples/AnyModel -c Release [-- CHECKPOINT [OUTDIR]]
// (default: the shipped 2-D RealNVP, models/realnvp-8gaussians.safetensors)
using GpuGen.Models;
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
