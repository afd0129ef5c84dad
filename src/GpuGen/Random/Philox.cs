using System.Runtime.CompilerServices;
using GpuGen.Kernels;

namespace GpuGen.Random;

/// <summary>
/// Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror &amp; Shaw, "Parallel random
/// numbers: as easy as 1, 2, 3" (SC 2011): a 10-round bijection of a 128-bit counter under a 64-bit
/// key. Every backend (CPU here, the ILGPU kernels on CUDA, OpenCL and ilgpu-cpu) implements exactly this addressing, so a
/// stream drawn on a GPU can be reproduced on the CPU — uniforms and ints bit for bit, Gaussians
/// within float tolerance (they go through float32 log/sqrt/sin/cos).
/// </summary>
/// <remarks>
/// <para><b>Addressing.</b> A stream is named by (seed, stream); its element e (a 64-bit index;
/// a fill of n elements at offset writes elements offset + i, i &lt; n) comes from
/// block = e / 4, lane = e % 4, where block b is the Philox output of
/// key = (seed low 32, seed high 32) and counter = (b low 32, b high 32, stream low 32, stream high 32),
/// and the element takes word <c>lane</c> of the four output words.</para>
/// <para><b>Uniform</b> in (0, 1): u = ((bits &gt;&gt; 9) + 0.5f)·2⁻²³. Both steps are exact in
/// float32 (k + ½ with k &lt; 2²³ has 24 significant bits; the product is a power-of-two scaling), so
/// every backend gets the same bits regardless of FMA contraction, and u lies in
/// [2⁻²⁴, 1 − 2⁻²⁴] — never 0 (Box–Muller takes its log) and never 1. The 24-bit variant
/// ((bits &gt;&gt; 8) + 0.5)·2⁻²⁴ is not representable for u ≥ ½ and rounds the top value to 1.</para>
/// <para><b>Uniform fill</b>: lo + (hi − lo)·u, in float32.</para>
/// <para><b>Gaussian</b> (Box &amp; Muller 1958): a block's four words (w₀, w₁, w₂, w₃) become uniforms
/// (u₀, u₁, u₂, u₃); r₀ = √(−2 ln u₀), θ₀ = 2π·u₁, r₁ = √(−2 ln u₂), θ₁ = 2π·u₃; lanes 0..3 are
/// r₀ cos θ₀, r₀ sin θ₀, r₁ cos θ₁, r₁ sin θ₁, all in float32 (2π as the float 6.2831855f).
/// Element e therefore depends only on block e / 4: a slice drawn alone, at any offset, equals the
/// same slice of a larger fill.</para>
/// <para><b>Integers</b> in [lo, hi): lo + (int)((bits·(hi − lo)) &gt;&gt; 32), the product taken
/// in 64 bits with hi − lo as an unsigned 32-bit range (Lemire's multiply-shift; the bias is below
/// range/2³², negligible for ranges used here).</para>
/// </remarks>
public static class Philox
{
    /// <summary>Round multipliers (Salmon et al. 2011, Table 2).</summary>
    public const uint M0 = PhiloxDevice.M0, M1 = PhiloxDevice.M1;

    /// <summary>Weyl sequence key increments: the golden ratio and √3 − 1, as 32-bit fractions.</summary>
    public const uint W0 = PhiloxDevice.W0, W1 = PhiloxDevice.W1;

    public const int Rounds = 10;

    /// <summary>2π as float32, the constant every backend uses for Box–Muller angles.</summary>
    public const float TwoPi = 6.2831855f;

    /// <summary>
    /// The raw bijection: counter (c0..c3) under key (k0, k1), 10 rounds (Random123's philox4x32_R) — the
    /// device kernels' own method (kernels/Philox.cs), so every backend runs the same rounds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (uint X0, uint X1, uint X2, uint X3) Bijection(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        var w = PhiloxDevice.Bijection(c0, c1, c2, c3, k0, k1);
        return (w.X0, w.X1, w.X2, w.X3);
    }

    /// <summary>The four words of block <paramref name="block"/> of stream (seed, stream).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (uint X0, uint X1, uint X2, uint X3) Block(ulong seed, ulong stream, ulong block) =>
        Bijection((uint)block, (uint)(block >> 32), (uint)stream, (uint)(stream >> 32), (uint)seed, (uint)(seed >> 32));

    /// <summary>The 32 random bits of element <paramref name="element"/> of stream (seed, stream).</summary>
    public static uint Bits(ulong seed, ulong stream, ulong element)
    {
        var (x0, x1, x2, x3) = Block(seed, stream, element / 4);
        return (element % 4) switch { 0 => x0, 1 => x1, 2 => x2, _ => x3 };
    }

    /// <summary>u = ((bits &gt;&gt; 9) + ½)·2⁻²³ ∈ (0, 1), exact in float32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Uniform(uint bits) => ((bits >> 9) + 0.5f) * (1f / 8388608f);

    /// <summary>lo + (int)((bits·(hi − lo)) &gt;&gt; 32) ∈ [lo, hi); hi &gt; lo.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int UniformInt(uint bits, int lo, int hi) =>
        unchecked(lo + (int)(((ulong)bits * (uint)(hi - lo)) >> 32));

    /// <summary>Box–Muller on one pair of words: (r cos θ, r sin θ), r = √(−2 ln u_a), θ = 2π u_b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (float Cos, float Sin) BoxMuller(uint a, uint b)
    {
        float r = MathF.Sqrt(-2f * MathF.Log(Uniform(a)));
        float theta = TwoPi * Uniform(b);
        return (r * MathF.Cos(theta), r * MathF.Sin(theta));
    }

    /// <summary>The four standard normals of block <paramref name="block"/> (lanes 0..3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (float Z0, float Z1, float Z2, float Z3) Gaussian4(ulong seed, ulong stream, ulong block)
    {
        var (w0, w1, w2, w3) = Block(seed, stream, block);
        var (z0, z1) = BoxMuller(w0, w1);
        var (z2, z3) = BoxMuller(w2, w3);
        return (z0, z1, z2, z3);
    }
}
