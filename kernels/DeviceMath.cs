using ILGPU;

namespace GpuGen.Kernels;

/// <summary>
/// Helpers every kernel file shares: the grid-stride loop bounds, group-wide sums and maxima in shared
/// memory, compensated (Kahan–Babuška) summation, and the scalar functions whose formulas must match
/// the CPU twin's (σ, erfc, Φ).
/// </summary>
public static class DeviceMath
{
    /// <summary>Largest work-group any kernel here is launched with (the size of the shared scratch arrays).</summary>
    public const int MaxGroup = 256;

    /// <summary>NaN as a float (a device kernel cannot throw: bad indices write NaN instead).</summary>
    public static float NaN => BitConverter.Int32BitsToSingle(0x7FC00000);

    /// <summary>−∞ (the identity of a maximum).</summary>
    public static float NegativeInfinity => BitConverter.Int32BitsToSingle(unchecked((int)0xFF800000u));

    /// <summary>First element of this thread's grid-stride loop.</summary>
    public static int Start => Grid.GlobalIndex.X;

    /// <summary>Step of a grid-stride loop: every thread of the launch.</summary>
    public static int Stride => Grid.DimX * Group.DimX;

    /// <summary>
    /// Σ over the group of every thread's <paramref name="value"/>, returned to every thread. Pairwise in
    /// shared memory (the group size is a power of two); every thread must call it, outside any branch
    /// that differs between threads. The first barrier keeps a thread from overwriting
    /// <paramref name="part"/> while another still reads the previous result.
    /// </summary>
    public static float GroupSum(ArrayView<float> part, float value)
    {
        int lid = Group.IdxX;
        Group.Barrier();
        part[lid] = value;
        for (int s = Group.DimX / 2; s > 0; s >>= 1)
        {
            Group.Barrier();
            if (lid < s) part[lid] += part[lid + s];
        }
        Group.Barrier();
        return part[0];
    }

    /// <summary>Maximum over the group, with the rules of <see cref="GroupSum"/>.</summary>
    public static float GroupMax(ArrayView<float> part, float value)
    {
        int lid = Group.IdxX;
        Group.Barrier();
        part[lid] = value;
        for (int s = Group.DimX / 2; s > 0; s >>= 1)
        {
            Group.Barrier();
            if (lid < s) part[lid] = MathF.Max(part[lid], part[lid + s]);
        }
        Group.Barrier();
        return part[0];
    }

    /// <summary>Two sums at once (through p and q), both returned to every thread; the rules of <see cref="GroupSum"/>.</summary>
    public static Pair GroupSum2(ArrayView<float> p, ArrayView<float> q, Pair values)
    {
        int lid = Group.IdxX;
        Group.Barrier();
        p[lid] = values.A;
        q[lid] = values.B;
        for (int s = Group.DimX / 2; s > 0; s >>= 1)
        {
            Group.Barrier();
            if (lid < s)
            {
                p[lid] += p[lid + s];
                q[lid] += q[lid + s];
            }
        }
        Group.Barrier();
        return new Pair(p[0], q[0]);
    }

    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>erfc(z), z ≥ 0, relative error &lt; 1.2e-7: Numerical Recipes' erfcc (Press et al. 1992, §6.2), as the CPU twin.</summary>
    public static float Erfc(float z)
    {
        float t = 1f / MathF.FusedMultiplyAdd(0.5f, z, 1f);
        float p = 0.17087277f;
        p = MathF.FusedMultiplyAdd(p, t, -0.82215223f);
        p = MathF.FusedMultiplyAdd(p, t, 1.48851587f);
        p = MathF.FusedMultiplyAdd(p, t, -1.13520398f);
        p = MathF.FusedMultiplyAdd(p, t, 0.27886807f);
        p = MathF.FusedMultiplyAdd(p, t, -0.18628806f);
        p = MathF.FusedMultiplyAdd(p, t, 0.09678418f);
        p = MathF.FusedMultiplyAdd(p, t, 0.37409196f);
        p = MathF.FusedMultiplyAdd(p, t, 1.00002368f);
        p = MathF.FusedMultiplyAdd(p, t, -1.26551223f);
        return t * MathF.Exp(p - z * z);
    }

    /// <summary>Φ(x) = ½ erfc(−x/√2), from the side that keeps relative accuracy in the tails.</summary>
    public static float Phi(float x)
    {
        float tail = 0.5f * Erfc(MathF.Abs(x) * 0.70710678118654752f);
        return x > 0f ? 1f - tail : tail;
    }

    /// <summary>ln(1 + x) for x ≥ 0, accurate where x is below float epsilon (Goldberg's trick: u = 1 + x, x·ln u/(u − 1)).</summary>
    public static float Log1p(float x)
    {
        float u = 1f + x;
        return u == 1f ? x : MathF.Log(u) * x / (u - 1f);
    }
}

/// <summary>Two floats reduced together (<see cref="DeviceMath.GroupSum2"/>).</summary>
public readonly struct Pair(float a, float b)
{
    public readonly float A = a;
    public readonly float B = b;
}

/// <summary>
/// A float32 running sum with Kahan–Babuška compensation: <see cref="Sum"/> + <see cref="C"/> carry the
/// total with the low-order bits a plain float sum would lose (sums of 10⁵ terms stay within a few ulps).
/// </summary>
public struct Kahan
{
    public float Sum;
    public float C;

    public void Add(float v)
    {
        float y = v - C;
        float t = Sum + y;
        C = (t - Sum) - y;
        Sum = t;
    }
}
