// Philox4x32-10 fills (addressing in src/GpuGen/Random/Philox.cs): one work-item per Philox block of
// four elements. Element e = offset + i sits in block e/4, lane e%4; the fill touches blocks
// first = offset/4 … (offset + n − 1)/4, and work-item j owns block first + j.

GG_KERNEL void uniform_fill(int n, gg_u64 seed, gg_u64 stream, gg_u64 offset, GG_GLOBAL float* x, float lo, float hi)
{
    gg_u64 block = offset / 4 + (gg_u64)GG_GLOBAL_ID(0);
    if (block * 4 >= offset + (gg_u64)n) return;
    uint w[4];
    gg_philox(seed, stream, block, w);
    float range = hi - lo;
    for (int lane = 0; lane < 4; lane++)
    {
        gg_u64 e = block * 4 + lane;
        if (e >= offset && e < offset + (gg_u64)n) x[e - offset] = gg_add_rn(lo, gg_mul_rn(range, gg_uniform(w[lane])));
    }
}

GG_KERNEL void gaussian_fill(int n, gg_u64 seed, gg_u64 stream, gg_u64 offset, GG_GLOBAL float* x, float mean, float std)
{
    gg_u64 block = offset / 4 + (gg_u64)GG_GLOBAL_ID(0);
    if (block * 4 >= offset + (gg_u64)n) return;
    uint w[4];
    gg_philox(seed, stream, block, w);
    float z[4];
    gg_box_muller(w[0], w[1], z);
    gg_box_muller(w[2], w[3], z + 2);
    for (int lane = 0; lane < 4; lane++)
    {
        gg_u64 e = block * 4 + lane;
        if (e >= offset && e < offset + (gg_u64)n) x[e - offset] = mean + std * z[lane];
    }
}

GG_KERNEL void uniform_int_fill(int n, gg_u64 seed, gg_u64 stream, gg_u64 offset, GG_GLOBAL int* x, int lo, int hi)
{
    gg_u64 block = offset / 4 + (gg_u64)GG_GLOBAL_ID(0);
    if (block * 4 >= offset + (gg_u64)n) return;
    uint w[4];
    gg_philox(seed, stream, block, w);
    for (int lane = 0; lane < 4; lane++)
    {
        gg_u64 e = block * 4 + lane;
        if (e >= offset && e < offset + (gg_u64)n) x[e - offset] = gg_uniform_int(w[lane], lo, hi);
    }
}
