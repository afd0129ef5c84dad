using System.CommandLine;
using GpuGen.Data;
using GpuGen.Models.Diffusion;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Cli.Commands;

/// <summary>`gpugen train FAMILY`: one sub-command per family, each building its model and handing it to <see cref="TrainRunner"/>.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var train = new Command("train", "train a model (families: ddpm, classifier, vae, cvae, nice, realnvp, gan, cgan, pixelcnn)");
        train.Add(Ddpm());
        train.Add(TrainClassifier.Create());
        foreach (var command in TrainLatent.Create()) train.Add(command);
        train.Add(TrainGan.Create(conditional: false));
        train.Add(TrainGan.Create(conditional: true));
        train.Add(TrainPixelCnn.Create());
        return train;
    }

    private static Command Ddpm()
    {
        var o = new TrainDdpmOptions();
        var cmd = new Command("ddpm", "DDPM: on 2-D toy data (ε-MLP) or on images (UNet; fashion-mnist, idx:DIR, folder:DIR)");
        foreach (var option in o.Options()) cmd.Add(option);
        cmd.SetAction(r =>
        {
            string spec = r.GetValue(o.Data)!;
            if (!r.GetValue(o.View) && r.GetValue(o.ViewScreenshot) is not null) throw new CliError("--view-screenshot needs --view");
            if (ToyData.IsToy(spec))
            {
                foreach (var (option, _) in o.ImageOnly())
                    if (r.GetResult(option) is { Implicit: false })
                        throw new CliError($"{option.Name} applies to image data only, not to the 2-D toy '{spec}'");
                return TrainRunner.Run(r, o, "ddpm", (dev, resume) => Toy(r, o, dev, resume));
            }
            var data = TrainRunner.OpenData(spec);
            ITrainingRun Open(Device dev, RunFolder.Found? resume) => TrainDdpmImage.Open(r, o, data, dev, resume);
            if (!r.GetValue(o.View)) return TrainRunner.Run(r, o, "ddpm", Open);
            ulong seed = r.GetValue(o.Seed);
            int every = r.GetValue(o.ViewEvery);
            return TrainView.Run(r, o, monitor => TrainRunner.Run(r, o, "ddpm", Open,
                run => p => TrainView.Report(monitor, ((ImageDiffusionTraining)run).Model, p.Values[0], every, seed)));
        });
        return cmd;
    }

    private static ITrainingRun Toy(ParseResult r, TrainDdpmOptions o, Device dev, RunFolder.Found? resume)
    {
        int samples = o.SamplesOr(r, 2000);
        string spec = ToyData.Canonical(r.GetValue(o.Data)!);
        if (resume is not null)
        {
            var model = ToyDiffusion.Load(dev, resume.Path);
            return TrainRunner.Wrap(model, resume, m => m.Config.Data == spec
                ? new ToyDiffusionTraining(m, samples)
                : throw new ArgumentException($"the model was trained on {m.Config.Data}, not on {spec}"));
        }
        var config = new ToyDiffusionConfig(Data: spec, Hidden: r.GetValue(o.Hidden), HiddenLayers: r.GetValue(o.Layers),
            LearningRate: r.GetValue(o.LearningRate) ?? 1e-3f, Batch: r.GetValue(o.Batch) ?? 1024, Seed: r.GetValue(o.Seed),
            Schedule: r.GetValue(o.Schedule) ?? "linear", EmaDecay: r.GetValue(o.Ema) ?? 0.995f);
        return new ToyDiffusionTraining(TrainRunner.Checked(() => ToyDiffusion.Create(dev, config)), samples);
    }
}
