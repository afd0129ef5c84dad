using GpuGen.Models.Flows;

namespace GpuGen.Cli.Commands.Families;

/// <summary>The VAE and flow families of `gpugen sample` and `gpugen eval`.</summary>
internal static class LatentFamilies
{
    public static IEnumerable<ModelFamily> All { get; } =
    [
        new("vae", VaeFamily.Sample, VaeFamily.Eval),
        new("cvae", VaeFamily.Sample, VaeFamily.Eval),
        new(FlowConfig.Nice, FlowFamily.Sample, FlowFamily.Eval),
        new(FlowConfig.RealNvp, FlowFamily.Sample, FlowFamily.Eval),
    ];
}
