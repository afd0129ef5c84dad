using System.CommandLine;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen train vae|cvae|nice|realnvp`: the latent-variable and exact-likelihood families, with a
/// progress bar, checkpoints, sample grids (or, for flows on 2-D toys, the density heat map beside
/// samples) and a loss curve. <see cref="LatentTrainer"/> turns the options into the family's model.
/// </summary>
internal static class TrainLatent
{
    public static IEnumerable<Command> Create() =>
    [
        Make("vae", "VAE (Bernoulli or Gaussian decoder; MLP or conv) on fashion-mnist, idx:DIR or folder:DIR"),
        Make("cvae", "conditional VAE: a learned prior mean per class, the label into the decoder (needs labels)"),
        Make("nice", "NICE: additive couplings and a diagonal scaling, on images or 2-D toys"),
        Make("realnvp", "RealNVP: affine couplings (checkerboard or channel masks), on images or 2-D toys"),
    ];

    private static Command Make(string kind, string description)
    {
        var o = new TrainLatentOptions(flow: kind is "nice" or "realnvp");
        var cmd = new Command(kind, description);
        foreach (var option in o.Options()) cmd.Add(option);
        cmd.SetAction(r => Run(r, o, kind));
        return cmd;
    }

    private static int Run(ParseResult r, TrainLatentOptions o, string kind) =>
        TrainRunner.Run(r, o, kind, (dev, resume) => o.IsFlow ? LatentTrainer.Flow(r, o, kind, dev, resume) : LatentTrainer.Vae(r, o, kind, dev, resume));
}
