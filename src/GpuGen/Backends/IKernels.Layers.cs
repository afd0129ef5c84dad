namespace GpuGen.Backends;

// The non-convolution layers of the UNet / GAN stack: resampling, normalization, embedding lookup
// and dropout. Images are NCHW; "planes" is N·C (each plane an [height, width] image) and "spatial"
// is H·W. The conventions of the contract (accumulating backward, NaN-safe overwrite) apply.
public partial interface IKernels
{
    // ---- resampling (NCHW planes) ------------------------------------------------------------------

    /// <summary>
    /// 2×2 average pooling, stride 2: y[p, i, j] = ¼·Σ_{a,b∈{0,1}} x[p, 2i+a, 2j+b] for x [planes, height, width]
    /// and y [planes, height/2, width/2]. Sizes floor like PyTorch: an odd last row or column is not read.
    /// </summary>
    void AvgPool2x2(int planes, int height, int width, DeviceBuffer x, DeviceBuffer y);

    /// <summary>dx[p, 2i+a, 2j+b] += ¼·dy[p, i, j]; height and width are the input's; a dropped odd row or column gets nothing.</summary>
    void AvgPool2x2Backward(int planes, int height, int width, DeviceBuffer dy, DeviceBuffer dx);

    /// <summary>Nearest-neighbour upsampling ×2: y[p, i, j] = x[p, i/2, j/2] for x [planes, height, width], y [planes, 2·height, 2·width].</summary>
    void UpsampleNearest2x(int planes, int height, int width, DeviceBuffer x, DeviceBuffer y);

    /// <summary>dx[p, i, j] += Σ_{a,b∈{0,1}} dy[p, 2i+a, 2j+b] (= without accumulate); height and width are the input's.</summary>
    void UpsampleNearest2xBackward(int planes, int height, int width, DeviceBuffer dy, DeviceBuffer dx, bool accumulate = true);

    // ---- normalization ----------------------------------------------------------------------------------

    /// <summary>
    /// Group normalization (Wu &amp; He 2018, eq. 1–3) of x [batch, channels, spatial], channels split into
    /// groups of channels/groups: over each (n, g), μ and σ² (biased) of its (channels/groups)·spatial
    /// elements, y = (x − μ)·rstd·γ[c] + β[c] with rstd = 1/√(σ² + eps). mean and rstd [batch, groups] are
    /// saved for the backward. gamma and beta [channels] may be null (γ = 1, β = 0). With
    /// <paramref name="silu"/> the result is SiLU(y) = y·σ(y) instead (GroupNorm → SiLU of a diffusion
    /// ResBlock in one pass: y itself is not kept; the backward recomputes it).
    /// </summary>
    void GroupNormForward(int batch, int channels, int spatial, int groups, float eps,
        DeviceBuffer x, DeviceBuffer? gamma, DeviceBuffer? beta, DeviceBuffer y, DeviceBuffer mean, DeviceBuffer rstd, bool silu = false);

    /// <summary>
    /// With x̂ = (x − μ)·rstd and m = (channels/groups)·spatial, per (n, g):
    /// dx += rstd·(γ·dy − (1/m)·Σ γ·dy − x̂·(1/m)·Σ γ·dy·x̂) (sums over the group);
    /// dγ[c] += Σ_{n,s} dy·x̂; dβ[c] += Σ_{n,s} dy. Any of dx, dGamma, dBeta may be null (not wanted).
    /// Without <paramref name="accumulateDx"/> dx is overwritten (=, not read); dγ and dβ always accumulate.
    /// With <paramref name="silu"/> the forward was GroupNormForward(silu): dy is the gradient of SiLU(y),
    /// and the kernel uses dy·SiLU′(y) in its place, y recomputed from x, mean, rstd, γ and
    /// <paramref name="beta"/> (the forward's β, null for 0).
    /// </summary>
    void GroupNormBackward(int batch, int channels, int spatial, int groups,
        DeviceBuffer x, DeviceBuffer? gamma, DeviceBuffer mean, DeviceBuffer rstd, DeviceBuffer dy,
        DeviceBuffer? dx, DeviceBuffer? dGamma, DeviceBuffer? dBeta, bool accumulateDx = true, bool silu = false, DeviceBuffer? beta = null);

    /// <summary>
    /// Batch normalization (Ioffe &amp; Szegedy 2015, Alg. 1) of x [batch, channels, spatial] per channel.
    /// Training: μ and σ² (biased) over the batch·spatial elements of each channel normalise;
    /// mean[c] = μ, rstd[c] = 1/√(σ² + eps) are saved; when given, the running statistics are updated
    /// like PyTorch: running = (1 − momentum)·running + momentum·stat, with the unbiased variance
    /// σ²·n/(n − 1) (n = batch·spatial &gt; 1). Evaluation: μ = runningMean, σ² = runningVar (both
    /// required, left unchanged), and mean/rstd receive them in the same form for the backward.
    /// y = (x − μ)·rstd·γ[c] + β[c]; gamma and beta [channels] may be null.
    /// </summary>
    void BatchNormForward(int batch, int channels, int spatial, bool training, float momentum, float eps,
        DeviceBuffer x, DeviceBuffer? gamma, DeviceBuffer? beta, DeviceBuffer? runningMean, DeviceBuffer? runningVar,
        DeviceBuffer y, DeviceBuffer mean, DeviceBuffer rstd);

    /// <summary>
    /// With x̂ = (x − mean[c])·rstd[c] and n = batch·spatial: training (statistics depend on x)
    /// dx += γ·rstd·(dy − (1/n)·Σ dy − x̂·(1/n)·Σ dy·x̂); evaluation (fixed statistics) dx += γ·rstd·dy.
    /// Both: dγ[c] += Σ dy·x̂, dβ[c] += Σ dy. Any of dx, dGamma, dBeta may be null.
    /// </summary>
    void BatchNormBackward(int batch, int channels, int spatial, bool training,
        DeviceBuffer x, DeviceBuffer? gamma, DeviceBuffer mean, DeviceBuffer rstd, DeviceBuffer dy,
        DeviceBuffer? dx, DeviceBuffer? dGamma, DeviceBuffer? dBeta);

    // ---- embedding lookup -----------------------------------------------------------------------------------

    /// <summary>y[r, :] = table[indices[r], :] for int indices [rows] in [0, vocab), table [vocab, dim], y [rows, dim].</summary>
    void EmbeddingForward(int rows, int vocab, int dim, DeviceBuffer indices, DeviceBuffer table, DeviceBuffer y);

    /// <summary>dTable[indices[r], :] += dy[r, :] (a scatter-add; repeated indices add up, in row order).</summary>
    void EmbeddingBackward(int rows, int vocab, int dim, DeviceBuffer indices, DeviceBuffer dy, DeviceBuffer dTable);

    // ---- dropout --------------------------------------------------------------------------------------------

    /// <summary>
    /// Inverted dropout: element i is kept when u ≥ p, u the uniform (0, 1) of Philox stream element
    /// offset + i (see <see cref="Random.Philox"/>), and then y = x/(1 − p); otherwise y = 0. The mask is
    /// never stored: the backward draws it again from (seed, stream, offset), so any slice is reproducible alone.
    /// p in [0, 1]; p = 1 drops everything.
    /// </summary>
    void DropoutForward(long n, float p, ulong seed, ulong stream, ulong offset, DeviceBuffer x, DeviceBuffer y);

    /// <summary>dx += dy/(1 − p) where the forward kept the element (same mask, redrawn).</summary>
    void DropoutBackward(long n, float p, ulong seed, ulong stream, ulong offset, DeviceBuffer dy, DeviceBuffer dx);
}
