// GpuGen kernel prelude: maps one kernel source onto two dialects, OpenCL C 1.2 (the default) and
// CUDA C++ (compiled by NVRTC with -DGG_CUDA). Kernels use only these names for everything that
// differs between the two (qualifiers, indices, barriers, atomics, bit casts), in the style of
// CLBlast's CLCudaAPI. OpenCL C 1.2 is the floor: no generic address space, no subgroups, no
// native float atomics (PoCL, NVIDIA's OpenCL and older GPUs all accept it).
#ifndef GG_PRELUDE_H
#define GG_PRELUDE_H

#ifdef GG_CUDA
// ---- CUDA ---------------------------------------------------------------------------------------
#define GG_KERNEL extern "C" __global__
#define GG_GLOBAL
#define GG_LOCAL __shared__
// A pointer parameter into local (shared) memory: CUDA allows no memory-space qualifier there.
#define GG_LOCAL_PTR
#define GG_CONSTANT const
#define GG_INLINE __device__ __forceinline__
#define GG_BARRIER() __syncthreads()
#define GG_GLOBAL_ID(d) ((int)(GG_DIM_(blockIdx, d) * GG_DIM_(blockDim, d) + GG_DIM_(threadIdx, d)))
#define GG_LOCAL_ID(d) ((int)GG_DIM_(threadIdx, d))
#define GG_GROUP_ID(d) ((int)GG_DIM_(blockIdx, d))
#define GG_LOCAL_SIZE(d) ((int)GG_DIM_(blockDim, d))
#define GG_NUM_GROUPS(d) ((int)GG_DIM_(gridDim, d))
#define GG_DIM_(v, d) ((d) == 0 ? v.x : (d) == 1 ? v.y : v.z)
typedef unsigned int uint;
typedef unsigned long long gg_u64;
typedef long long gg_i64;
GG_INLINE float gg_as_float(uint x) { return __uint_as_float(x); }
GG_INLINE uint gg_as_uint(float x) { return __float_as_uint(x); }
GG_INLINE uint gg_mulhi(uint a, uint b) { return __umulhi(a, b); }
// Products and sums that must round exactly like the CPU twin (never fused into an FMA).
GG_INLINE float gg_mul_rn(float a, float b) { return __fmul_rn(a, b); }
GG_INLINE float gg_add_rn(float a, float b) { return __fadd_rn(a, b); }
GG_INLINE void gg_atomic_add(float* p, float v) { atomicAdd(p, v); }
GG_INLINE float gg_min(float a, float b) { return fminf(a, b); }
GG_INLINE float gg_max(float a, float b) { return fmaxf(a, b); }
#define gg_exp expf
#define gg_log logf
#define gg_sqrt sqrtf
#define gg_sin sinf
#define gg_cos cosf
#define gg_tanh tanhf
#define gg_fabs fabsf
#define gg_fma fmaf
#define gg_log1p log1pf
// float4 loads and stores: 16-byte aligned addresses (offsets that are multiples of 4 floats).
#define GG_FLOAT4(a, b, c, d) make_float4(a, b, c, d)
#define GG_LOAD4(p) (*(const float4*)(p))
#define GG_STORE4(v, p) (*(float4*)(p) = (v))
#define GG_LOCAL_ALIGNED __shared__ __align__(16)
#define GG_BOUNDS(threads) __launch_bounds__(threads)

#else
// ---- OpenCL C 1.2 ----------------------------------------------------------------------------------
// The CPU twin never contracts a·b + c into an FMA; kernels ask for fma() where they want it.
#pragma OPENCL FP_CONTRACT OFF
#define GG_KERNEL __kernel
#define GG_GLOBAL __global
#define GG_LOCAL __local
#define GG_LOCAL_PTR __local
#define GG_CONSTANT __constant
#define GG_INLINE inline
#define GG_BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
#define GG_GLOBAL_ID(d) ((int)get_global_id(d))
#define GG_LOCAL_ID(d) ((int)get_local_id(d))
#define GG_GROUP_ID(d) ((int)get_group_id(d))
#define GG_LOCAL_SIZE(d) ((int)get_local_size(d))
#define GG_NUM_GROUPS(d) ((int)get_num_groups(d))
typedef ulong gg_u64;
typedef long gg_i64;
GG_INLINE float gg_as_float(uint x) { return as_float(x); }
GG_INLINE uint gg_as_uint(float x) { return as_uint(x); }
GG_INLINE uint gg_mulhi(uint a, uint b) { return mul_hi(a, b); }
GG_INLINE float gg_mul_rn(float a, float b) { return a * b; }
GG_INLINE float gg_add_rn(float a, float b) { return a + b; }
// OpenCL 1.2 has no float atomics: compare-and-swap on the bits until no other thread got in between.
GG_INLINE void gg_atomic_add(volatile __global float* p, float v)
{
    uint seen = as_uint(*p), old;
    do
    {
        old = seen;
        seen = atomic_cmpxchg((volatile __global uint*)p, old, as_uint(as_float(old) + v));
    } while (seen != old);
}
GG_INLINE float gg_min(float a, float b) { return fmin(a, b); }
GG_INLINE float gg_max(float a, float b) { return fmax(a, b); }
#define gg_exp exp
#define gg_log log
#define gg_sqrt sqrt
#define gg_sin sin
#define gg_cos cos
#define gg_tanh tanh
#define gg_fabs fabs
#define gg_fma fma
#define gg_log1p log1p
#define GG_FLOAT4(a, b, c, d) ((float4)(a, b, c, d))
#define GG_LOAD4(p) vload4(0, p)
#define GG_STORE4(v, p) vstore4(v, 0, p)
#define GG_LOCAL_ALIGNED __local
#define GG_BOUNDS(threads) __attribute__((reqd_work_group_size(threads, 1, 1)))
#endif

// ---- common helpers ---------------------------------------------------------------------------------

#ifdef GG_CUDA
/// Sum / maximum over the 32 lanes of a warp by shuffle-down (a tree in registers); lane 0 gets the result.
GG_INLINE float gg_warp_sum(float v)
{
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    return v;
}

GG_INLINE float gg_warp_max(float v)
{
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_down_sync(0xffffffffu, v, o));
    return v;
}
#endif

/// Kahan–Babuška step: sum + c carries the running total with its lost low-order bits.
GG_INLINE void gg_kahan_add(float* sum, float* c, float v)
{
    float y = v - *c;
    float t = *sum + y;
    *c = (t - *sum) - y;
    *sum = t;
}

/// Sum of part[0..wg) into part[0], wg a power of two (a compile-time constant at every call, so
/// the loops unroll and the branch folds away). Every work-item of the group must call it, outside
/// any branch. Portable: pairwise in local memory. CUDA (wg ≥ 64): each warp adds its 32 values by
/// register shuffles, the warps' sums go to part[0..wg/32) and warp 0 shuffles those — 2 + 1
/// barriers instead of log₂ wg.
GG_INLINE void gg_group_sum(GG_LOCAL_PTR float* part, int lid, int wg)
{
#ifdef GG_CUDA
    if (wg >= 64)
    {
        GG_BARRIER();
        float v = gg_warp_sum(part[lid]);
        GG_BARRIER();
        if ((lid & 31) == 0) part[lid >> 5] = v;
        GG_BARRIER();
        if (lid < 32)
        {
            v = gg_warp_sum(lid < wg / 32 ? part[lid] : 0.0f);
            if (lid == 0) part[0] = v;
        }
        GG_BARRIER();
        return;
    }
#endif
    for (int s = wg / 2; s > 0; s >>= 1)
    {
        GG_BARRIER();
        if (lid < s) part[lid] += part[lid + s];
    }
    GG_BARRIER();
}

/// Maximum of part[0..wg) into part[0]; the same rules (and the same CUDA warp path) as gg_group_sum.
GG_INLINE void gg_group_max(GG_LOCAL_PTR float* part, int lid, int wg)
{
#ifdef GG_CUDA
    if (wg >= 64)
    {
        GG_BARRIER();
        float v = gg_warp_max(part[lid]);
        GG_BARRIER();
        if ((lid & 31) == 0) part[lid >> 5] = v;
        GG_BARRIER();
        if (lid < 32)
        {
            v = gg_warp_max(lid < wg / 32 ? part[lid] : gg_as_float(0xFF800000u));
            if (lid == 0) part[0] = v;
        }
        GG_BARRIER();
        return;
    }
#endif
    for (int s = wg / 2; s > 0; s >>= 1)
    {
        GG_BARRIER();
        if (lid < s) part[lid] = gg_max(part[lid], part[lid + s]);
    }
    GG_BARRIER();
}

GG_INLINE float gg_sigmoid(float x) { return 1.0f / (1.0f + gg_exp(-x)); }

// ---- Philox4x32-10 (src/GpuGen/Random/Philox.cs documents the addressing) ------------------------------

#define GG_PHILOX_M0 0xD2511F53u
#define GG_PHILOX_M1 0xCD9E8D57u
#define GG_PHILOX_W0 0x9E3779B9u
#define GG_PHILOX_W1 0xBB67AE85u

/// Block `block` of stream (seed, stream): counter (block lo, block hi, stream lo, stream hi), key (seed lo, seed hi).
GG_INLINE void gg_philox(gg_u64 seed, gg_u64 stream, gg_u64 block, uint* out)
{
    uint c0 = (uint)block, c1 = (uint)(block >> 32), c2 = (uint)stream, c3 = (uint)(stream >> 32);
    uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
    for (int round = 0; round < 10; round++)
    {
        if (round > 0)
        {
            k0 += GG_PHILOX_W0;
            k1 += GG_PHILOX_W1;
        }
        uint hi0 = gg_mulhi(GG_PHILOX_M0, c0), lo0 = GG_PHILOX_M0 * c0;
        uint hi1 = gg_mulhi(GG_PHILOX_M1, c2), lo1 = GG_PHILOX_M1 * c2;
        uint n0 = hi1 ^ c1 ^ k0;
        uint n2 = hi0 ^ c3 ^ k1;
        c1 = lo1;
        c3 = lo0;
        c0 = n0;
        c2 = n2;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

/// u = ((bits >> 9) + 1/2)·2⁻²³ ∈ (0, 1): both steps exact in float32, so bit-identical everywhere.
GG_INLINE float gg_uniform(uint bits) { return gg_mul_rn((float)(bits >> 9) + 0.5f, 1.0f / 8388608.0f); }

/// lo + ⌊bits·(hi − lo) / 2³²⌋ ∈ [lo, hi) (Lemire's multiply-shift).
GG_INLINE int gg_uniform_int(uint bits, int lo, int hi) { return lo + (int)gg_mulhi(bits, (uint)(hi - lo)); }

/// Box–Muller on two words: (r cos θ, r sin θ), r = √(−2 ln u_a), θ = 2π u_b (2π as the float 6.2831855f).
GG_INLINE void gg_box_muller(uint a, uint b, float* z)
{
    float r = gg_sqrt(-2.0f * gg_log(gg_uniform(a)));
    float theta = 6.2831855f * gg_uniform(b);
    z[0] = r * gg_cos(theta);
    z[1] = r * gg_sin(theta);
}

#endif
