// A program that embeds GpuGen: trains a small diffusion model on 2-D toy data and writes a PNG of
// its samples over the data. Run: dotnet run --project examples/Embedding -c Release [-- out.png]
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Models.Diffusion;
using GpuGen.Nn;
using GpuGen.Optim;
using GpuGen.Pictures;
using GpuGen.Tensors;

string output = args.Length > 0 ? args[0] : "embedding-samples.png";
const int steps = 400, batch = 512;

using var device = Device.Cpu();
var schedule = NoiseSchedule.Linear();                       // β = 1e-4 … 0.02, T = 1000
using var model = new EpsMlp(device, new EpsMlpConfig(), new Initializer(seed: 1));
using var adam = new Adam(model.Parameters(), lr: 3e-3f);
using var ema = new Ema(model.Parameters(), decay: 0.98f);
using var trainer = new DiffusionTrainer(model, schedule, adam, seed: 1, ema);
using var x0 = Tensor.Zeros(device, batch, 2);

for (int step = 0; step < steps; step++)
{
    x0.CopyFrom(ToyData.Sample("moons", batch, seed: 1, stream: (ulong)step));
    float loss = trainer.TrainStep(x0);
    if (step % 100 == 0 || step == steps - 1) Console.WriteLine($"step {step,4}  loss {loss:F4}");
}

// Sample with the averaged weights: x_T ~ N(0, I), then 1000 ancestral DDPM steps.
ema.Swap();
using var samples = DiffusionSampler.Sample(model, new DdpmScheduler(schedule), device, [1000, 2], seed: 7);
ema.Swap();

var picture = Plot.Scatter(
    [
        new ScatterSeries(ToyData.Sample("moons", 1000, seed: 2), Rgb.LightGrey, Label: "data"),
        new ScatterSeries(samples.ToArray(), Rgb.Blue, Label: "samples"),
    ],
    title: $"two moons after {steps} steps", bounds: PlotBounds.Square(3.2f));
picture.SavePng(output);
Console.WriteLine($"wrote {output}");
