using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuGen.Backends.Cpu;

/// <summary>
/// A float SIMD register of some width, so that each CPU kernel loop is written once as a generic
/// method and specialised by the JIT for <see cref="V512"/> (AVX-512), <see cref="V256"/> (AVX2 or
/// the software fallback) and <see cref="S1"/> (one lane: the scalar tail). Generic methods over
/// struct type arguments are compiled once per argument, so the abstraction costs nothing.
/// </summary>
/// <remarks>
/// Loops follow one shape: <c>static long Body&lt;T&gt;(long i, long n, ...)</c> processes whole
/// registers from i and returns where it stopped; the caller runs <c>Body&lt;S1&gt;</c> from there.
/// Masks (from comparisons) are registers whose lanes are all-ones or zero.
/// </remarks>
internal unsafe interface IVec<TV> where TV : unmanaged, IVec<TV>
{
    static abstract int Count { get; }
    static abstract TV Load(float* p);
    static abstract TV Splat(float value);
    void Store(float* p);
    static abstract TV operator +(TV a, TV b);
    static abstract TV operator -(TV a, TV b);
    static abstract TV operator *(TV a, TV b);
    static abstract TV operator /(TV a, TV b);
    static abstract TV operator -(TV a);
    /// <summary>a·b + c, fused where the hardware has FMA.</summary>
    static abstract TV MulAdd(TV a, TV b, TV c);
    static abstract TV Max(TV a, TV b);
    static abstract TV Min(TV a, TV b);
    static abstract TV Abs(TV a);
    static abstract TV Sqrt(TV a);
    static abstract TV Exp(TV a);
    static abstract TV Log(TV a);
    /// <summary>σ(a) = 1/(1 + e^−a), to a few ulp; 0 below about −88, 1 above about 17.</summary>
    static abstract TV Sigmoid(TV a);
    static abstract TV GreaterThan(TV a, TV b);
    static abstract TV Equal(TV a, TV b);
    static abstract TV Select(TV mask, TV ifTrue, TV ifFalse);
}

internal static class Simd
{
    /// <summary>Whether kernels run on 512-bit registers; otherwise 256-bit.</summary>
    public static readonly bool Wide = Vector512.IsHardwareAccelerated;
}

internal readonly unsafe struct V512(Vector512<float> v) : IVec<V512>
{
    private readonly Vector512<float> v = v;

    public static int Count => Vector512<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Load(float* p) => new(Vector512.Load(p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Splat(float value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator +(V512 a, V512 b) => new(a.v + b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator -(V512 a, V512 b) => new(a.v - b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator *(V512 a, V512 b) => new(a.v * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator /(V512 a, V512 b) => new(a.v / b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator -(V512 a) => new(-a.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 MulAdd(V512 a, V512 b, V512 c) => new(Vector512.MultiplyAddEstimate(a.v, b.v, c.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Max(V512 a, V512 b) => new(Vector512.Max(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Min(V512 a, V512 b) => new(Vector512.Min(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Abs(V512 a) => new(Vector512.Abs(a.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Sqrt(V512 a) => new(Vector512.Sqrt(a.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Exp(V512 a) => new(Vector512.Exp(a.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Log(V512 a) => new(Vector512.Log(a.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Sigmoid(V512 a) => new(Avx512F.IsSupported ? FastMath.Sigmoid(a.v) : Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(-a.v)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 GreaterThan(V512 a, V512 b) => new(Vector512.GreaterThan(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Equal(V512 a, V512 b) => new(Vector512.Equals(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Select(V512 mask, V512 ifTrue, V512 ifFalse) => new(Vector512.ConditionalSelect(mask.v, ifTrue.v, ifFalse.v));
}

internal readonly unsafe struct V256(Vector256<float> v) : IVec<V256>
{
    private readonly Vector256<float> v = v;

    public static int Count => Vector256<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Load(float* p) => new(Vector256.Load(p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Splat(float value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 operator +(V256 a, V256 b) => new(a.v + b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 operator -(V256 a, V256 b) => new(a.v - b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 operator *(V256 a, V256 b) => new(a.v * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 operator /(V256 a, V256 b) => new(a.v / b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 operator -(V256 a) => new(-a.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 MulAdd(V256 a, V256 b, V256 c) => new(Vector256.MultiplyAddEstimate(a.v, b.v, c.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Max(V256 a, V256 b) => new(Vector256.Max(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Min(V256 a, V256 b) => new(Vector256.Min(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Abs(V256 a) => new(Vector256.Abs(a.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Sqrt(V256 a) => new(Vector256.Sqrt(a.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Exp(V256 a) => new(Vector256.Exp(a.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Log(V256 a) => new(Vector256.Log(a.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Sigmoid(V256 a) => new(Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-a.v)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 GreaterThan(V256 a, V256 b) => new(Vector256.GreaterThan(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Equal(V256 a, V256 b) => new(Vector256.Equals(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Select(V256 mask, V256 ifTrue, V256 ifFalse) => new(Vector256.ConditionalSelect(mask.v, ifTrue.v, ifFalse.v));
}

/// <summary>One lane: the scalar tail of every loop, with the same math as the wide registers.</summary>
internal readonly unsafe struct S1(float v) : IVec<S1>
{
    private static readonly float AllOnes = BitConverter.Int32BitsToSingle(-1);
    private readonly float v = v;

    public static int Count => 1;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S1 Load(float* p) => new(*p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S1 Splat(float value) => new(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* p) => *p = v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S1 operator +(S1 a, S1 b) => new(a.v + b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S1 operator -(S1 a, S1 b) => new(a.v - b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S1 operator *(S1 a, S1 b) => new(a.v * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S1 operator /(S1 a, S1 b) => new(a.v / b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S1 operator -(S1 a) => new(-a.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S1 MulAdd(S1 a, S1 b, S1 c) => new(MathF.FusedMultiplyAdd(a.v, b.v, c.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S1 Max(S1 a, S1 b) => new(MathF.Max(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S1 Min(S1 a, S1 b) => new(MathF.Min(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S1 Abs(S1 a) => new(MathF.Abs(a.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S1 Sqrt(S1 a) => new(MathF.Sqrt(a.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S1 Exp(S1 a) => new(MathF.Exp(a.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S1 Log(S1 a) => new(MathF.Log(a.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S1 Sigmoid(S1 a) => new(1f / (1f + MathF.Exp(-a.v)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S1 GreaterThan(S1 a, S1 b) => new(a.v > b.v ? AllOnes : 0f);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S1 Equal(S1 a, S1 b) => new(a.v == b.v ? AllOnes : 0f);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static S1 Select(S1 mask, S1 ifTrue, S1 ifFalse) => BitConverter.SingleToInt32Bits(mask.v) != 0 ? ifTrue : ifFalse;
}

/// <summary>
/// Transcendentals cheaper than the general-purpose Vector512.Exp (which costs ~4× as much here, and
/// made SiLU the slowest element-wise kernel of a training step) at a few ulp of accuracy.
/// </summary>
internal static class FastMath
{
    /// <summary>
    /// σ(x) = 1/(1 + e^−x). e^−x = 2^k·e^r with k = round(−x·log₂e) and r = −x − k·ln 2 (ln 2 split in
    /// two parts, Cody–Waite, so r is exact to float precision), e^r by its degree-7 Taylor/minimax
    /// polynomial on |r| ≤ ½ln 2 (Cephes expf, rel. error ~1e-7), 2^k applied by vscalef; then
    /// 1/(1 + e^−x) by the 14-bit reciprocal estimate and one Newton step (error ~2^−28).
    /// −x is clamped to [−87, 88] so 2^k stays finite; the NaN of a NaN input is carried by callers
    /// through x itself (SiLU multiplies by x; σ of NaN here is a finite number).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x)
    {
        var t = Avx512F.Min(Avx512F.Max(-x, Vector512.Create(-87f)), Vector512.Create(88f));
        var k = Avx512F.RoundScale(t * Vector512.Create(1.44269504088896341f), 0x08); // nearest, no exceptions
        var r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-0.693359375f), t);
        r = Vector512.FusedMultiplyAdd(k, Vector512.Create(2.12194440e-4f), r);
        var p = Vector512.Create(1.9875691500e-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        p = Vector512.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);
        var d = Avx512F.Scale(p, k) + Vector512<float>.One;
        var inv = Avx512F.Reciprocal14(d);
        return inv * Vector512.FusedMultiplyAdd(-d, inv, Vector512.Create(2f));
    }
}
