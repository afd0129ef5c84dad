// Element-wise kernels: Fill, Axpby, Unary (+ backward), Binary, Copy2d. One work-item per element;
// the host rounds the global size up to a multiple of the work-group size, so every kernel checks
// its bound. The op codes are the values of the C# enums UnaryOp, BinaryOp and Broadcast.

#define OP_IDENTITY 0
#define OP_RELU 1
#define OP_LEAKY_RELU 2
#define OP_SILU 3
#define OP_TANH 4
#define OP_SIGMOID 5
#define OP_GELU 6
#define OP_EXP 7
#define OP_LOG 8
#define OP_SQUARE 9
#define OP_NEG 10
#define OP_SCALE 11

GG_KERNEL void fill(int n, float value, GG_GLOBAL float* x)
{
    int i = GG_GLOBAL_ID(0);
    if (i < n) x[i] = value;
}

// beta = 0 never reads y (it may hold NaN).
GG_KERNEL void axpby(int n, float alpha, GG_GLOBAL const float* x, float beta, GG_GLOBAL float* y)
{
    int i = GG_GLOBAL_ID(0);
    if (i >= n) return;
    y[i] = beta == 0.0f ? alpha * x[i] : gg_fma(alpha, x[i], beta * y[i]);
}

/// erfc(z), z ≥ 0, relative error < 1.2e-7: Numerical Recipes' erfcc (Press et al. 1992, §6.2), as the CPU twin.
GG_INLINE float gg_erfc(float z)
{
    float t = 1.0f / gg_fma(0.5f, z, 1.0f);
    float p = 0.17087277f;
    p = gg_fma(p, t, -0.82215223f);
    p = gg_fma(p, t, 1.48851587f);
    p = gg_fma(p, t, -1.13520398f);
    p = gg_fma(p, t, 0.27886807f);
    p = gg_fma(p, t, -0.18628806f);
    p = gg_fma(p, t, 0.09678418f);
    p = gg_fma(p, t, 0.37409196f);
    p = gg_fma(p, t, 1.00002368f);
    p = gg_fma(p, t, -1.26551223f);
    return t * gg_exp(p - z * z);
}

/// Φ(x) = ½ erfc(−x/√2), from the side that keeps relative accuracy in the tails.
GG_INLINE float gg_phi(float x)
{
    float tail = 0.5f * gg_erfc(gg_fabs(x) * 0.70710678118654752f);
    return x > 0.0f ? 1.0f - tail : tail;
}

GG_INLINE float unary_f(int op, float x, float p)
{
    switch (op)
    {
        case OP_IDENTITY: return x;
        case OP_RELU: return x > 0.0f ? x : 0.0f;
        case OP_LEAKY_RELU: return x > 0.0f ? x : p * x;
        case OP_SILU: return x * gg_sigmoid(x);
        case OP_TANH: return gg_tanh(x);
        case OP_SIGMOID: return gg_sigmoid(x);
        case OP_GELU: return x * gg_phi(x);
        case OP_EXP: return gg_exp(x);
        case OP_LOG: return gg_log(x);
        case OP_SQUARE: return x * x;
        case OP_NEG: return -x;
        default: return p * x; // OP_SCALE
    }
}

/// f'(x) given x and y = f(x).
GG_INLINE float unary_d(int op, float x, float y, float p)
{
    switch (op)
    {
        case OP_IDENTITY: return 1.0f;
        case OP_RELU: return x > 0.0f ? 1.0f : 0.0f;
        case OP_LEAKY_RELU: return x > 0.0f ? 1.0f : p;
        case OP_SILU:
        {
            float s = gg_sigmoid(x);
            return s * gg_fma(x, 1.0f - s, 1.0f);
        }
        case OP_TANH: return 1.0f - y * y;
        case OP_SIGMOID: return y * (1.0f - y);
        case OP_GELU: return gg_fma(x, 0.39894228040143268f * gg_exp(-0.5f * x * x), gg_phi(x));
        case OP_EXP: return y;
        case OP_LOG: return 1.0f / x;
        case OP_SQUARE: return x + x;
        case OP_NEG: return -1.0f;
        default: return p; // OP_SCALE
    }
}

GG_KERNEL void unary(int op, int n, GG_GLOBAL const float* x, GG_GLOBAL float* y, float p, int accumulate)
{
    int i = GG_GLOBAL_ID(0);
    if (i >= n) return;
    float v = unary_f(op, x[i], p);
    y[i] = accumulate ? y[i] + v : v;
}

// dx += f'(x)·dy, or dx = f'(x)·dy without accumulate (dx is then not read: it may hold garbage).
// Ops whose derivative does not read y are launched with y = x (the stream is then never read).
GG_KERNEL void unary_backward(int op, int n, GG_GLOBAL const float* x, GG_GLOBAL const float* y,
    GG_GLOBAL const float* dy, GG_GLOBAL float* dx, float p, int accumulate)
{
    int i = GG_GLOBAL_ID(0);
    if (i >= n) return;
    float yi = (op == OP_TANH || op == OP_SIGMOID || op == OP_EXP) ? y[i] : 0.0f;
    float d = unary_d(op, x[i], yi, p);
    dx[i] = accumulate ? gg_fma(d, dy[i], dx[i]) : d * dy[i];
}

/// y[r,c] = a[r,c] op b[broadcast]; broadcast 0 none, 1 row (b[c]), 2 column (b[r]), 3 scalar (b[0]).
GG_KERNEL void binary(int op, int rows, int cols, GG_GLOBAL const float* a, GG_GLOBAL const float* b, int broadcast,
    GG_GLOBAL float* y, int accumulate)
{
    int c = GG_GLOBAL_ID(0), r = GG_GLOBAL_ID(1);
    if (c >= cols || r >= rows) return;
    int i = r * cols + c;
    float bv = broadcast == 0 ? b[i] : broadcast == 1 ? b[c] : broadcast == 2 ? b[r] : b[0];
    float v = op == 0 ? a[i] + bv : op == 1 ? a[i] - bv : a[i] * bv;
    y[i] = accumulate ? y[i] + v : v;
}

GG_KERNEL void copy2d(int rows, int cols, GG_GLOBAL const float* src, int srcOffset, int srcStride,
    GG_GLOBAL float* dst, int dstOffset, int dstStride, int accumulate)
{
    int c = GG_GLOBAL_ID(0), r = GG_GLOBAL_ID(1);
    if (c >= cols || r >= rows) return;
    float v = src[srcOffset + r * srcStride + c];
    int d = dstOffset + r * dstStride + c;
    dst[d] = accumulate ? dst[d] + v : v;
}
