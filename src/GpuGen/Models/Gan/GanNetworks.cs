using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Gan;

/// <summary>The generator and discriminator of one run under one root ("g.…", "d.…"), as checkpoints name them.</summary>
public sealed class GanNetworks : Module
{
    public GanNetworks(Device device, GanConfig config) : base(device)
    {
        // Separate seeds' streams for G and D, so adding an option to one leaves the other's init unchanged.
        G = Child<GanGenerator>("g", config.IsMlp
            ? new MlpGenerator(device, config, new Initializer(config.Seed * 2 + 1))
            : new DcganGenerator(device, config, new Initializer(config.Seed * 2 + 1)));
        D = Child<GanDiscriminator>("d", config.IsMlp
            ? new MlpDiscriminator(device, config, new Initializer(config.Seed * 2 + 2))
            : new DcganDiscriminator(device, config, new Initializer(config.Seed * 2 + 2)));
    }

    public GanGenerator G { get; }

    public GanDiscriminator D { get; }
}
