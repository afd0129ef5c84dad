using System.Globalization;
using GpuGen.Autograd;
using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Flows;

/// <summary>
/// RealNVP's multi-scale architecture (Dinh et al. 2017, section 3.6) on flattened images [N, C·H·W].
/// Each scale but the last: 3 affine couplings with alternating checkerboard masks, a squeeze to
/// [4C, H/2, W/2], 3 couplings with alternating channel masks, then half the channels (2C) are factored
/// out as latents and the other half goes on to the next scale (eq. 16). The last scale: 4 checkerboard
/// couplings. Every coupling may be followed by ActNorm. The latent z [N, D] is the factored-out parts
/// in order, then the last scale's output, flattened; ½Σz² over all of it is the log-density of every
/// factored-out part under N(0, I), and sampling draws them all at one temperature.
/// Parameters are named "coupling{k}.net.…", "actnorm{k}.…", and "next.…" for the following scale.
/// </summary>
public sealed class MultiScaleFlow : Module, IFlowLayer
{
    private readonly List<IFlowLayer> before = [], after = [];
    private readonly Squeeze? squeeze;
    private readonly MultiScaleFlow? next;
    private readonly int channels, height, width;

    public MultiScaleFlow(Device device, int channels, int height, int width, int scales, int filters, int blocks, bool actNorm, Initializer init)
        : base(device)
    {
        if (scales < 1) throw new ArgumentException($"a multi-scale flow needs at least one scale, got {scales}");
        if (scales > 1 && (height % 2 != 0 || width % 2 != 0))
            throw new ArgumentException($"{channels}×{height}×{width}: a squeeze needs an even height and width ({scales} scales left)");
        this.channels = channels;
        this.height = height;
        this.width = width;
        int k = 0;
        for (int i = 0; i < (scales == 1 ? 4 : 3); i++)
            AddCoupling(before, "checkerboard", i, channels, height, width, ref k, filters, blocks, actNorm, init);
        if (scales == 1) return;
        squeeze = new Squeeze(device, channels);
        for (int i = 0; i < 3; i++)
            AddCoupling(after, "channel", i, 4 * channels, height / 2, width / 2, ref k, filters, blocks, actNorm, init);
        next = Child("next", new MultiScaleFlow(device, 2 * channels, height / 2, width / 2, scales - 1, filters, blocks, actNorm, init));
    }

    /// <summary>Features per example.</summary>
    public int Dim => channels * height * width;

    /// <summary>Turns off the data-dependent initialization of every ActNorm (for loaded weights).</summary>
    public void MarkInitialized()
    {
        foreach (var layer in before.Concat(after))
            if (layer is DiagonalScaling d) d.DataInit = false;
        next?.MarkInitialized();
    }

    /// <summary>z [N, D] and log|det ∂z/∂x| [N] for x [N, D] (or [N, C, H, W]).</summary>
    public (Tensor Y, Tensor LogDet) Forward(Tensor x)
    {
        int n = x.Dim(0);
        var (h, logdet) = Run(before, x.Reshape(n, channels, height, width), null);
        if (next is null) return (h.Reshape(n, Dim), logdet!);
        (h, logdet) = Run(after, squeeze!.Forward(h), logdet);
        int kept = 2 * channels;
        var (zNext, ldNext) = next.Forward(Ops.Narrow(h, 1, 0, kept));
        var factored = Ops.Narrow(h, 1, kept, kept).Reshape(n, Dim / 2);
        return (Ops.Concat(1, factored, zNext), Ops.Add(logdet!, ldNext));
    }

    /// <summary>x [N, D] from z [N, D].</summary>
    public Tensor Inverse(Tensor z)
    {
        int n = z.Dim(0);
        if (z.Length != (long)n * Dim) throw new ArgumentException($"multi-scale flow: latent must be [N, {Dim}], got {z.Describe()}");
        Tensor h;
        if (next is null) h = z.Reshape(n, channels, height, width);
        else
        {
            int half = Dim / 2;
            var inner = next.Inverse(Ops.Narrow(z.Reshape(n, Dim), 1, half, half)).Reshape(n, 2 * channels, height / 2, width / 2);
            var factored = Ops.Narrow(z.Reshape(n, Dim), 1, 0, half).Reshape(n, 2 * channels, height / 2, width / 2);
            h = Ops.Concat(1, inner, factored);
            for (int i = after.Count - 1; i >= 0; i--) h = after[i].Inverse(h);
            h = squeeze!.Inverse(h);
        }
        for (int i = before.Count - 1; i >= 0; i--) h = before[i].Inverse(h);
        return h.Reshape(n, Dim);
    }

    private void AddCoupling(List<IFlowLayer> into, string mask, int parity, int c, int hh, int ww, ref int k,
        int filters, int blocks, bool actNorm, Initializer init)
    {
        string index = k.ToString(CultureInfo.InvariantCulture);
        into.Add(Child("coupling" + index, new ConvAffineCoupling(Device, CouplingMasks.Make(mask, parity, c, hh, ww), c, hh, ww, filters, blocks, init)));
        if (actNorm) into.Add(Child("actnorm" + index, new DiagonalScaling(Device, c * hh * ww, bias: true, dataInit: true)));
        k++;
    }

    /// <summary>Runs layers on [N, C, H, W], adding their log-determinants (per example, or one value for all) to a per-example [N].</summary>
    private static (Tensor H, Tensor? LogDet) Run(List<IFlowLayer> layers, Tensor h, Tensor? logdet)
    {
        foreach (var layer in layers)
        {
            (h, var ld) = layer.Forward(h);
            logdet = logdet is null ? (ld.Length == 1 ? Ops.Add(Tensor.Zeros(h.Device, h.Dim(0)), ld) : ld) : Ops.Add(logdet, ld);
        }
        return (h, logdet);
    }

    public override void Dispose()
    {
        squeeze?.Dispose();
        base.Dispose();
    }
}
