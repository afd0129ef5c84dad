namespace GpuGen.Backends;

/// <summary>
/// The kernel contract: raw buffers and sizes in, raw buffers out (no tensors, no tape). Every
/// backend implements each method; the CPU backend's managed twin is what device kernels are
/// tested against. Conventions:
/// <list type="bullet">
/// <item>Sizes are element counts; buffers hold 4-byte elements, float32 unless the parameter says int.</item>
/// <item>Backward kernels accumulate (+=) into gradient buffers, which the optimizer zeroes (llm.c style).</item>
/// <item>"accumulate = false" / "beta = 0" means the output is overwritten and never read.</item>
/// <item>Loss kernels write a scalar into a [1] buffer; their backward reads the upstream gradient
///       dLoss from a [1] buffer so no host round trip is needed.</item>
/// <item>Random kernels are addressed by (seed, stream, offset): element i of a fill is element
///       offset + i of the stream, so any slice can be reproduced alone (see <see cref="Random.Philox"/>).</item>
/// </list>
/// </summary>
public partial interface IKernels
{
    // ---- linear algebra -------------------------------------------------------------------

    /// <summary>Batched row-major SGEMM; see <see cref="GemmArgs"/>.</summary>
    void Gemm(in GemmArgs args, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c);

    // ---- element-wise -----------------------------------------------------------------------

    /// <summary>x[0..n) = value.</summary>
    void Fill(long n, float value, DeviceBuffer x);

    /// <summary>y = alpha·x + beta·y over n elements (beta = 0: y is not read).</summary>
    void Axpby(long n, float alpha, DeviceBuffer x, float beta, DeviceBuffer y);

    /// <summary>y = f(x) (or y += f(x) when accumulate) over n elements; param is LeakyReLU's slope or Scale's factor.</summary>
    void Unary(UnaryOp op, long n, DeviceBuffer x, DeviceBuffer y, float param = 0f, bool accumulate = false);

    /// <summary>
    /// dx += f'(x)·dy (dx = f'(x)·dy without accumulate: dx is not read); y = f(x) is passed too because
    /// some derivatives are cheaper from it (σ, tanh, exp).
    /// </summary>
    void UnaryBackward(UnaryOp op, long n, DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, float param = 0f, bool accumulate = true);

    /// <summary>y[r,c] = a[r,c] op b[broadcast(r,c)] (or += when accumulate), a and y [rows, cols].</summary>
    void Binary(BinaryOp op, int rows, int cols, DeviceBuffer a, DeviceBuffer b, Broadcast broadcast, DeviceBuffer y, bool accumulate = false);

    /// <summary>
    /// Copies a [rows, cols] block: dst[dstOffset + r·dstStride + c] = src[srcOffset + r·srcStride + c]
    /// (or += when accumulate). Concatenation and splitting along an axis are this kernel; a source
    /// stride of 0 repeats one row (a broadcast). Destination rows must not overlap.
    /// </summary>
    void Copy2d(int rows, int cols, DeviceBuffer src, long srcOffset, int srcStride,
        DeviceBuffer dst, long dstOffset, int dstStride, bool accumulate = false);

    // ---- reductions ---------------------------------------------------------------------------

    /// <summary>y[o,i] = alpha·Σ_m x[o,m,i] (+ y[o,i] when accumulate); x is [outer, mid, inner].</summary>
    void ReduceSum(int outer, int mid, int inner, DeviceBuffer x, DeviceBuffer y, float alpha = 1f, bool accumulate = false);

    /// <summary>Row-wise softmax (or log-softmax) of x [rows, cols] into y.</summary>
    void Softmax(int rows, int cols, DeviceBuffer x, DeviceBuffer y, bool log);

    /// <summary>dx += J(y)ᵀ·dy for the row-wise softmax (or log-softmax) whose output is y.</summary>
    void SoftmaxBackward(int rows, int cols, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, bool log);

    // ---- losses (scalar into loss[1]; scale turns sums into means) ------------------------------

    /// <summary>loss = scale·Σ (pred − target)².</summary>
    void MseLoss(long n, DeviceBuffer pred, DeviceBuffer target, DeviceBuffer loss, float scale);

    /// <summary>dPred += 2·scale·(pred − target)·dLoss[0].</summary>
    void MseLossBackward(long n, DeviceBuffer pred, DeviceBuffer target, DeviceBuffer dLoss, DeviceBuffer dPred, float scale);

    /// <summary>loss = scale·Σ [max(x,0) − x·z + ln(1 + e^−|x|)], the stable form of BCE on logits x, targets z.</summary>
    void BceWithLogitsLoss(long n, DeviceBuffer logits, DeviceBuffer targets, DeviceBuffer loss, float scale);

    /// <summary>dLogits += scale·(σ(x) − z)·dLoss[0].</summary>
    void BceWithLogitsLossBackward(long n, DeviceBuffer logits, DeviceBuffer targets, DeviceBuffer dLoss, DeviceBuffer dLogits, float scale);

    /// <summary>loss = scale·Σ_r −log softmax(logits[r])[labels[r]]; labels are int [rows] in [0, cols).</summary>
    void SoftmaxCrossEntropy(int rows, int cols, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, float scale);

    /// <summary>dLogits[r] += scale·(softmax(logits[r]) − onehot(labels[r]))·dLoss[0].</summary>
    void SoftmaxCrossEntropyBackward(int rows, int cols, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer dLoss, DeviceBuffer dLogits, float scale);

    /// <summary>KL(N(μ, e^logvar) ‖ N(0, I)) = scale·Σ −½(1 + logvar − μ² − e^logvar) (Kingma &amp; Welling 2014, App. B).</summary>
    void GaussianKl(long n, DeviceBuffer mu, DeviceBuffer logvar, DeviceBuffer loss, float scale);

    /// <summary>dMu += scale·μ·dLoss[0]; dLogvar += scale·½(e^logvar − 1)·dLoss[0].</summary>
    void GaussianKlBackward(long n, DeviceBuffer mu, DeviceBuffer logvar, DeviceBuffer dLoss, DeviceBuffer dMu, DeviceBuffer dLogvar, float scale);

    // ---- random numbers (Philox4x32-10) -----------------------------------------------------------

    /// <summary>x[i] = lo + (hi − lo)·u, u uniform in (0, 1) from stream element offset + i.</summary>
    void UniformFill(long n, ulong seed, ulong stream, ulong offset, DeviceBuffer x, float lo = 0f, float hi = 1f);

    /// <summary>x[i] = mean + std·z, z standard normal (Box–Muller) from stream element offset + i.</summary>
    void GaussianFill(long n, ulong seed, ulong stream, ulong offset, DeviceBuffer x, float mean = 0f, float std = 1f);

    /// <summary>int x[i] uniform in [lo, hi) from stream element offset + i.</summary>
    void UniformIntFill(long n, ulong seed, ulong stream, ulong offset, DeviceBuffer x, int lo, int hi);

    // ---- optimizers ----------------------------------------------------------------------------------

    /// <summary>One fused Adam/AdamW step over n parameters; m and v are the moment buffers.</summary>
    void AdamStep(long n, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, in AdamArgs args);

    /// <summary>ema = decay·ema + (1 − decay)·param.</summary>
    void EmaUpdate(long n, DeviceBuffer ema, DeviceBuffer param, float decay);

    // ---- diffusion -------------------------------------------------------------------------------------

    /// <summary>
    /// Sinusoidal timestep embedding (Vaswani et al. 2017 / Ho et al. 2020): for int t[b] and even dim,
    /// half = dim/2, fᵢ = exp(−ln(10000)·i/(half − 1)), y[b] = [sin(t·f₀..), cos(t·f₀..)].
    /// </summary>
    void TimestepEmbedding(int batch, int dim, DeviceBuffer t, DeviceBuffer y);

    /// <summary>
    /// Forward noising q(xₜ|x₀) (Ho et al. 2020, eq. 4): xₜ = √ᾱ[t_b]·x₀ + √(1−ᾱ[t_b])·ε for each of
    /// batch examples of perExample elements; t is int [batch]; the two tables are indexed by t.
    /// When <paramref name="v"/> is given, the same launch also writes the v-prediction target
    /// v = √ᾱ[t_b]·ε − √(1−ᾱ[t_b])·x₀ (Salimans &amp; Ho 2022, §4).
    /// </summary>
    void DiffusionQSample(int batch, int perExample, DeviceBuffer x0, DeviceBuffer eps, DeviceBuffer t,
        DeviceBuffer sqrtAlphaBar, DeviceBuffer sqrtOneMinusAlphaBar, DeviceBuffer xt, DeviceBuffer? v = null);

    /// <summary>
    /// One reverse step for every element (all examples at the same t); see <see cref="DiffusionStepArgs"/>.
    /// <paramref name="eps"/> is the model output (ε, x₀ or v); with <paramref name="uncond"/> (the
    /// unconditional output) the step first combines o = o_u + Guidance·(o − o_u). x0 may be null.
    /// </summary>
    void DiffusionStep(long n, DeviceBuffer xt, DeviceBuffer eps, DeviceBuffer? z, DeviceBuffer xPrev, DeviceBuffer? x0, in DiffusionStepArgs args,
        DeviceBuffer? uncond = null);
}
