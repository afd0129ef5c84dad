namespace GpuGen.Backends;

// Coupling transforms of normalizing flows (NICE, Dinh et al. 2015; RealNVP, Dinh et al. 2017) and the
// dequantizing logit transform in front of them. Every kernel works on rows × dim (one example per
// row, its features flattened) with a binary mask m [dim] shared by all rows: m = 1 marks the half
// that passes through unchanged and conditions the nets, m = 0 the half that is transformed. The nets
// (s, t) are ordinary layers outside the kernel; the kernels fuse everything element-wise after them,
// including the per-row log-determinant, so a coupling layer costs one pass forward and one backward.
public partial interface IKernels
{
    /// <summary>
    /// Affine coupling (RealNVP, eq. 7–9, with s bounded by tanh): s = tanh(sRaw)·(1 − m),
    /// y = x·m + (1 − m)·(x·eˢ + t), logdet[r] = Σ_d s (+= when <paramref name="accumulateLogdet"/>).
    /// x, sRaw, t, y are [rows, dim]; logdet is [rows]. y may not alias x.
    /// </summary>
    void AffineCouplingForward(int rows, int dim, DeviceBuffer x, DeviceBuffer mask, DeviceBuffer sRaw, DeviceBuffer t,
        DeviceBuffer y, DeviceBuffer logdet, bool accumulateLogdet = false);

    /// <summary>
    /// The inverse: x = y·m + (1 − m)·(y − t)·e⁻ˢ with s = tanh(sRaw)·(1 − m) (sRaw and t computed from
    /// the pass-through half y·m = x·m); logdet[r] = −Σ_d s, the inverse's log-determinant (+= when asked).
    /// </summary>
    void AffineCouplingInverse(int rows, int dim, DeviceBuffer y, DeviceBuffer mask, DeviceBuffer sRaw, DeviceBuffer t,
        DeviceBuffer x, DeviceBuffer logdet, bool accumulateLogdet = false);

    /// <summary>
    /// Backward of <see cref="AffineCouplingForward"/> from dy [rows, dim] and dLogdet [rows] (null: no
    /// gradient reaches the log-determinant): dx += dy·(m + (1 − m)·eˢ);
    /// dsRaw += (1 − m)·(dy·x·eˢ + dLogdet[r])·(1 − tanh²(sRaw)); dt += (1 − m)·dy.
    /// Any of dx, dsRaw, dt may be null (not wanted). Without <paramref name="accumulate"/> each is written
    /// (=, never read), so fresh gradients need no zero fill.
    /// </summary>
    void AffineCouplingBackward(int rows, int dim, DeviceBuffer x, DeviceBuffer mask, DeviceBuffer sRaw, DeviceBuffer dy,
        DeviceBuffer? dLogdet, DeviceBuffer? dx, DeviceBuffer? dsRaw, DeviceBuffer? dt, bool accumulate = true);

    /// <summary>
    /// Additive coupling (NICE, eq. 5 with the coupling law m(x₁) added): y = x + sign·(1 − m)·t; sign = +1
    /// is the forward pass, −1 the inverse. The log-determinant is 0.
    /// </summary>
    void AdditiveCoupling(int rows, int dim, DeviceBuffer x, DeviceBuffer mask, DeviceBuffer t, DeviceBuffer y, float sign);

    /// <summary>Backward of <see cref="AdditiveCoupling"/>: dx += dy; dt += sign·(1 − m)·dy. dx or dt may be null.</summary>
    void AdditiveCouplingBackward(int rows, int dim, DeviceBuffer mask, DeviceBuffer dy, float sign, DeviceBuffer? dx, DeviceBuffer? dt);

    /// <summary>
    /// Uniform dequantization and the logit transform (RealNVP, section 4.1): for pixel values v in
    /// {0 … levels − 1} and noise u in [0, 1), x = (v + u)/levels, p = α + (1 − 2α)·x, y = ln p − ln(1 − p);
    /// logdet[r] = Σ_d [ln(1 − 2α) − ln p − ln(1 − p)] − dim·ln levels, the log-determinant of the map
    /// from the dequantized v + u to y (so −log p(v) ≤ −(log N(z) + Σ logdet)). v, u, y are [rows, dim].
    /// </summary>
    void DequantizeLogit(int rows, int dim, DeviceBuffer v, DeviceBuffer u, float alpha, float levels, DeviceBuffer y, DeviceBuffer logdet);
}
