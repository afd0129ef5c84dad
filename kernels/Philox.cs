using System.Runtime.CompilerServices;

namespace GpuGen.Kernels;

/// <summary>The four 32-bit words of one Philox block.</summary>
public struct PhiloxWords
{
    public uint X0, X1, X2, X3;

    public readonly uint Lane(int lane) => lane == 0 ? X0 : lane == 1 ? X1 : lane == 2 ? X2 : X3;
}

/// <summary>
/// Philox4x32-10 on the device, with exactly the addressing, uniform, integer and Box–Muller formulas
/// of the CPU twin (<c>GpuGen.Random.Philox</c>, which documents them): block b of stream (seed, stream)
/// is the bijection of counter (b lo, b hi, stream lo, stream hi) under key (seed lo, seed hi), and
/// element e takes lane e % 4 of block e / 4. Uniforms and integers are bit-identical to the CPU's;
/// Gaussians agree within the device's float32 log/sqrt/sin/cos.
/// </summary>
public static class PhiloxDevice
{
    public const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>Block <paramref name="block"/> of stream (seed, stream).</summary>
    public static PhiloxWords Block(ulong seed, ulong stream, ulong block) =>
        Bijection((uint)block, (uint)(block >> 32), (uint)stream, (uint)(stream >> 32), (uint)seed, (uint)(seed >> 32));

    /// <summary>
    /// The raw bijection: counter (c0..c3) under key (k0, k1), 10 rounds (Random123's philox4x32_R; Salmon et
    /// al. 2011, Table 2 for the multipliers, Weyl increments of the golden ratio and √3 − 1 for the key).
    /// The CPU backend's generator calls this same method.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PhiloxWords Bijection(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < 10; round++)
        {
            if (round > 0)
            {
                k0 += W0;
                k1 += W1;
            }
            // One round: two 32×32→64 products; the high halves are mixed with the other two words and the key.
            ulong p0 = (ulong)M0 * c0;
            ulong p1 = (ulong)M1 * c2;
            uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0;
            uint n2 = (uint)(p0 >> 32) ^ c3 ^ k1;
            c1 = (uint)p1;
            c3 = (uint)p0;
            c0 = n0;
            c2 = n2;
        }
        PhiloxWords w;
        w.X0 = c0;
        w.X1 = c1;
        w.X2 = c2;
        w.X3 = c3;
        return w;
    }

    /// <summary>u = ((bits &gt;&gt; 9) + ½)·2⁻²³ ∈ (0, 1): both steps exact in float32, so bit-identical everywhere.</summary>
    public static float Uniform(uint bits) => ((bits >> 9) + 0.5f) * (1f / 8388608f);

    /// <summary>lo + ⌊bits·(hi − lo) / 2³²⌋ ∈ [lo, hi) (Lemire's multiply-shift).</summary>
    public static int UniformInt(uint bits, int lo, int hi) => unchecked(lo + (int)(((ulong)bits * (uint)(hi - lo)) >> 32));

    /// <summary>Box–Muller radius √(−2 ln u) of word a.</summary>
    public static float Radius(uint a) => MathF.Sqrt(-2f * MathF.Log(Uniform(a)));

    /// <summary>Box–Muller angle 2π·u of word b (2π as the float 6.2831855f).</summary>
    public static float Angle(uint b) => 6.2831855f * Uniform(b);

    /// <summary>The standard normal of lane <paramref name="lane"/>: lanes 0, 1 from words 0, 1 (cos, sin), lanes 2, 3 from words 2, 3.</summary>
    public static float Gaussian(in PhiloxWords w, int lane)
    {
        float r = lane < 2 ? Radius(w.X0) : Radius(w.X2);
        float theta = lane < 2 ? Angle(w.X1) : Angle(w.X3);
        return (lane & 1) == 0 ? r * MathF.Cos(theta) : r * MathF.Sin(theta);
    }
}
