using ILGPU;

namespace GpuGen.Kernels;

/// <summary>
/// Element-wise kernels: Fill, Axpby, Unary (+ backward), Binary, Copy2d. Every kernel here is a
/// grid-stride loop (thread i takes elements i, i + Stride, …), so the host launches as many groups as
/// keep the device busy rather than one thread per element — on the CPU accelerator, where every group
/// costs a thread hand-off, that is two groups. Op codes are the values of the C# enums UnaryOp,
/// BinaryOp and Broadcast.
/// </summary>
public static class ElementwiseKernels
{
    public const int Identity = 0, Relu = 1, LeakyRelu = 2, Silu = 3, Tanh = 4, Sigmoid = 5, Gelu = 6, Exp = 7, Log = 8,
        Square = 9, Neg = 10, Scale = 11;

    /// <summary>x[0..n) = value.</summary>
    public static void Fill(int n, float value, ArrayView<float> x)
    {
        for (int i = DeviceMath.Start; i < n; i += DeviceMath.Stride) x[i] = value;
    }

    /// <summary>y = alpha·x + beta·y; beta = 0 never reads y (it may hold NaN).</summary>
    public static void Axpby(int n, float alpha, ArrayView<float> x, float beta, ArrayView<float> y)
    {
        for (int i = DeviceMath.Start; i < n; i += DeviceMath.Stride)
            y[i] = beta == 0f ? alpha * x[i] : MathF.FusedMultiplyAdd(alpha, x[i], beta * y[i]);
    }

    public static float Forward(int op, float x, float p)
    {
        switch (op)
        {
            case Identity: return x;
            case Relu: return x > 0f ? x : 0f;
            case LeakyRelu: return x > 0f ? x : p * x;
            case Silu: return x * DeviceMath.Sigmoid(x);
            case Tanh: return MathF.Tanh(x);
            case Sigmoid: return DeviceMath.Sigmoid(x);
            case Gelu: return x * DeviceMath.Phi(x);
            case Exp: return MathF.Exp(x);
            case Log: return MathF.Log(x);
            case Square: return x * x;
            case Neg: return -x;
            default: return p * x; // Scale
        }
    }

    /// <summary>f'(x) given x and y = f(x).</summary>
    public static float Derivative(int op, float x, float y, float p)
    {
        switch (op)
        {
            case Identity: return 1f;
            case Relu: return x > 0f ? 1f : 0f;
            case LeakyRelu: return x > 0f ? 1f : p;
            case Silu:
                float s = DeviceMath.Sigmoid(x);
                return s * MathF.FusedMultiplyAdd(x, 1f - s, 1f);
            case Tanh: return 1f - y * y;
            case Sigmoid: return y * (1f - y);
            case Gelu: return MathF.FusedMultiplyAdd(x, 0.39894228040143268f * MathF.Exp(-0.5f * x * x), DeviceMath.Phi(x));
            case Exp: return y;
            case Log: return 1f / x;
            case Square: return x + x;
            case Neg: return -1f;
            default: return p; // Scale
        }
    }

    /// <summary>y = f(x) (y += f(x) with accumulate).</summary>
    public static void Unary(int op, int n, ArrayView<float> x, ArrayView<float> y, float p, int accumulate)
    {
        for (int i = DeviceMath.Start; i < n; i += DeviceMath.Stride)
        {
            float v = Forward(op, x[i], p);
            y[i] = accumulate != 0 ? y[i] + v : v;
        }
    }

    /// <summary>
    /// dx += f'(x)·dy, or dx = f'(x)·dy without accumulate (dx is then not read). y is read only by the
    /// ops whose derivative comes from it (tanh, σ, exp).
    /// </summary>
    public static void UnaryBackward(int op, int n, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx,
        float p, int accumulate)
    {
        bool readsY = op == Tanh || op == Sigmoid || op == Exp;
        for (int i = DeviceMath.Start; i < n; i += DeviceMath.Stride)
        {
            float d = Derivative(op, x[i], readsY ? y[i] : 0f, p);
            dx[i] = accumulate != 0 ? MathF.FusedMultiplyAdd(d, dy[i], dx[i]) : d * dy[i];
        }
    }

    /// <summary>y[r,c] = a[r,c] op b[broadcast]; broadcast 0 none, 1 row (b[c]), 2 column (b[r]), 3 scalar (b[0]); op 0 +, 1 −, 2 ·.</summary>
    public static void Binary(int op, int rows, int cols, ArrayView<float> a, ArrayView<float> b, int broadcast, ArrayView<float> y, int accumulate)
    {
        int n = rows * cols;
        for (int i = DeviceMath.Start; i < n; i += DeviceMath.Stride)
        {
            int r = i / cols, c = i - r * cols;
            float bv = broadcast == 0 ? b[i] : broadcast == 1 ? b[c] : broadcast == 2 ? b[r] : b[0];
            float v = op == 0 ? a[i] + bv : op == 1 ? a[i] - bv : a[i] * bv;
            y[i] = accumulate != 0 ? y[i] + v : v;
        }
    }

    /// <summary>dst[r·dstStride + c] (+)= src[r·srcStride + c] for a rows × cols block (the views start at the offsets).</summary>
    public static void Copy2d(int rows, int cols, ArrayView<float> src, int srcStride, ArrayView<float> dst, int dstStride, int accumulate)
    {
        int n = rows * cols;
        for (int i = DeviceMath.Start; i < n; i += DeviceMath.Stride)
        {
            int r = i / cols, c = i - r * cols;
            float v = src[r * srcStride + c];
            int d = r * dstStride + c;
            dst[d] = accumulate != 0 ? dst[d] + v : v;
        }
    }
}
