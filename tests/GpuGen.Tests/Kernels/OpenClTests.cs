using GpuGen.Backends;
using GpuGen.Backends.Gpu;
using GpuGen.Backends.OpenCL;
using GpuGen.Random;
using GpuGen.Tests.Support;

namespace GpuGen.Tests.Kernels;

/// <summary>
/// What only the OpenCL backend has: the prelude's intrinsics (run through tiny test kernels), random
/// fills bit-identical to the CPU backend, build logs, caches and the device registry. Skipped
/// without an OpenCL device.
/// </summary>
public class OpenClTests
{
    private const string Device = "opencl:0";

    private static OpenClBackend Backend => (OpenClBackend)TestBackends.Get(Device);

    /// <summary>Test kernels over the prelude: each exercises one intrinsic.</summary>
    private const string PreludeProbe = """
        GG_KERNEL void atomic_add_probe(int n, GG_GLOBAL float* sums, int buckets)
        {
            int i = GG_GLOBAL_ID(0);
            if (i < n) gg_atomic_add(&sums[i % buckets], 0.5f + (float)(i % 3));
        }

        GG_KERNEL void philox_probe(gg_u64 seed, gg_u64 stream, gg_u64 block, GG_GLOBAL uint* out)
        {
            uint w[4];
            gg_philox(seed, stream, block + (gg_u64)GG_GLOBAL_ID(0), w);
            for (int k = 0; k < 4; k++) out[GG_GLOBAL_ID(0) * 4 + k] = w[k];
        }

        GG_KERNEL void bits_probe(GG_GLOBAL const uint* a, GG_GLOBAL const uint* b, GG_GLOBAL uint* hi, GG_GLOBAL float* asFloat,
            GG_GLOBAL uint* asUint, GG_GLOBAL float* uniform, GG_GLOBAL int* ints)
        {
            int i = GG_GLOBAL_ID(0);
            hi[i] = gg_mulhi(a[i], b[i]);
            asFloat[i] = gg_as_float(a[i]);
            asUint[i] = gg_as_uint(asFloat[i]);
            uniform[i] = gg_uniform(a[i]);
            ints[i] = gg_uniform_int(a[i], -7, 1000);
        }

        GG_KERNEL void kahan_probe(int n, GG_GLOBAL const float* x, GG_GLOBAL float* sum)
        {
            float s = 0.0f, c = 0.0f;
            for (int i = 0; i < n; i++) gg_kahan_add(&s, &c, x[i]);
            sum[0] = s;
        }

        GG_KERNEL void ids_probe(GG_GLOBAL int* out)
        {
            int i = GG_GLOBAL_ID(1) * GG_NUM_GROUPS(0) * GG_LOCAL_SIZE(0) + GG_GLOBAL_ID(0);
            out[4 * i] = GG_LOCAL_ID(0) + 100 * GG_LOCAL_ID(1);
            out[4 * i + 1] = GG_GROUP_ID(0) + 100 * GG_GROUP_ID(1);
            out[4 * i + 2] = GG_LOCAL_SIZE(0) + 100 * GG_LOCAL_SIZE(1);
            GG_LOCAL int shared[4];
            if (GG_LOCAL_ID(0) == 0 && GG_LOCAL_ID(1) == 0) shared[0] = GG_GROUP_ID(0);
            GG_BARRIER();
            out[4 * i + 3] = shared[0];
        }
        """;

    private static readonly Lazy<GpuProgram> Probe = new(() =>
        Backend.Driver.Compile("prelude probe", KernelSources.Text("prelude.h") + PreludeProbe, ""));

    private static void Run(string kernel, LaunchGrid grid, KernelArgs args)
    {
        using var k = Probe.Value.Kernel(kernel);
        Backend.Driver.Launch(k, grid, args);
        Backend.Synchronize();
    }

    [Theory]
    [DeviceData(Device)]
    public void AtomicAddByCompareAndSwapLosesNothing(string device)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        const int n = 4099, buckets = 5;
        var sums = h.Upload(new float[buckets]);
        var a = new KernelArgs();
        a.Int(n);
        a.Buffer(sums);
        a.Int(buckets);
        Run("atomic_add_probe", LaunchGrid.Linear(n, 64), a);
        var expected = new double[buckets];
        for (int i = 0; i < n; i++) expected[i % buckets] += 0.5 + i % 3;
        Approx.Close(expected, h.Read(sums), 0, 0, "atomic add"); // every partial sum is exact in float
    }

    [Theory]
    [DeviceData(Device)]
    public void PhiloxMatchesTheManagedGenerator(string device)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        ulong seed = 0xfedc_ba98_7654_3210, stream = 0x1_0000_0003, block = (1UL << 33) - 3;
        const int blocks = 8;
        var output = h.Poisoned(blocks * 4);
        var a = new KernelArgs();
        a.ULong(seed);
        a.ULong(stream);
        a.ULong(block);
        a.Buffer(output);
        Run("philox_probe", new LaunchGrid(1, blocks, 1, 1, blocks, 1, 1), a);
        var got = h.ReadInts(output);
        for (int b = 0; b < blocks; b++)
        {
            var (x0, x1, x2, x3) = Philox.Block(seed, stream, block + (ulong)b);
            Assert.Equal([x0, x1, x2, x3], got.Skip(4 * b).Take(4).Select(v => unchecked((uint)v)).ToArray());
        }
    }

    [Theory]
    [DeviceData(Device)]
    public void BitHelpersMatchTheirManagedTwins(string device)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        int[] a = [0, 1, -1, int.MinValue, 0x3f800000, 0x7f7fffff, 12345, unchecked((int)0xdeadbeef)];
        int[] b = [7, -1, -1, 3, 1 << 20, 2, 99999, 0x1234567];
        int n = a.Length;
        var hi = h.Poisoned(n);
        var asFloat = h.Poisoned(n);
        var asUint = h.Poisoned(n);
        var uniform = h.Poisoned(n);
        var ints = h.Poisoned(n);
        var args = new KernelArgs();
        args.Buffer(h.Upload(a));
        args.Buffer(h.Upload(b));
        args.Buffer(hi);
        args.Buffer(asFloat);
        args.Buffer(asUint);
        args.Buffer(uniform);
        args.Buffer(ints);
        Run("bits_probe", new LaunchGrid(1, n, 1, 1, n, 1, 1), args);
        var gotHi = h.ReadInts(hi);
        var gotFloat = h.Read(asFloat);
        var gotUint = h.ReadInts(asUint);
        var gotUniform = h.Read(uniform);
        var gotInts = h.ReadInts(ints);
        for (int i = 0; i < n; i++)
        {
            uint ua = unchecked((uint)a[i]), ub = unchecked((uint)b[i]);
            Assert.Equal((uint)(((ulong)ua * ub) >> 32), unchecked((uint)gotHi[i]));
            Assert.Equal(BitConverter.Int32BitsToSingle(a[i]), gotFloat[i]);
            Assert.Equal(a[i], gotUint[i]);
            Assert.Equal(Philox.Uniform(ua), gotUniform[i]);
            Assert.Equal(Philox.UniformInt(ua, -7, 1000), gotInts[i]);
        }
    }

    [Theory]
    [DeviceData(Device)]
    public void KahanSumKeepsTheLowBits(string device)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        // 1 followed by 10⁴ terms of 10⁻⁸: a plain float sum stays 1, the compensated one reaches 1.0001.
        var x = Enumerable.Repeat(1e-8f, 10_001).ToArray();
        x[0] = 1f;
        var sum = h.Poisoned(1);
        var a = new KernelArgs();
        a.Int(x.Length);
        a.Buffer(h.Upload(x));
        a.Buffer(sum);
        Run("kahan_probe", new LaunchGrid(1, 1, 1, 1, 1, 1, 1), a);
        double exact = 1 + 10_000 * (double)1e-8f;
        Approx.Close(exact, h.Read(sum)[0], 1e-7, 0, "kahan");
    }

    [Theory]
    [DeviceData(Device)]
    public void IndexMacrosAndLocalMemory(string device)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        const int gx = 8, gy = 6, lx = 4, ly = 3;
        var output = h.Poisoned(gx * gy * 4);
        var a = new KernelArgs();
        a.Buffer(output);
        Run("ids_probe", new LaunchGrid(2, gx, gy, 1, lx, ly, 1), a);
        var got = h.ReadInts(output);
        for (int y = 0; y < gy; y++)
            for (int x = 0; x < gx; x++)
            {
                int i = y * gx + x;
                Assert.Equal(x % lx + 100 * (y % ly), got[4 * i]);
                Assert.Equal(x / lx + 100 * (y / ly), got[4 * i + 1]);
                Assert.Equal(lx + 100 * ly, got[4 * i + 2]);
                Assert.Equal(x / lx, got[4 * i + 3]);
            }
    }

    public static IEnumerable<object[]> FillCases() =>
        from kind in new[] { "uniform", "gaussian", "int" }
        from offset in new ulong[] { 0, 3, (1UL << 32) + 1 }
        from n in new[] { 1, 5, 1000, 65_537 }
        select new object[] { kind, offset, n };

    /// <summary>The same (seed, stream, offset) on OpenCL and on the CPU: uniforms and ints bit for bit, Gaussians within float tolerance.</summary>
    [Theory]
    [DeviceData(Device, Member = nameof(FillCases))]
    public void RandomFillsMatchTheCpuBackend(string device, string kind, ulong offset, int n)
    {
        using var gpu = new KernelHarness(TestBackends.Get(device));
        using var cpu = new KernelHarness();
        const ulong seed = 0x5eed_0000_0000_0001, stream = 77;
        var x = gpu.Poisoned(n);
        var y = cpu.Poisoned(n);
        foreach (var h in new[] { gpu, cpu })
        {
            var buffer = h == gpu ? x : y;
            switch (kind)
            {
                case "uniform": h.K.UniformFill(n, seed, stream, offset, buffer, -2f, 3f); break;
                case "gaussian": h.K.GaussianFill(n, seed, stream, offset, buffer, 0.5f, 2f); break;
                default: h.K.UniformIntFill(n, seed, stream, offset, buffer, -50, 1_000_003); break;
            }
        }
        if (kind == "int") Assert.Equal(cpu.ReadInts(y), gpu.ReadInts(x));
        else if (kind == "uniform") Assert.Equal(cpu.Read(y), gpu.Read(x));
        else Approx.Close(TestData.ToDouble(cpu.Read(y)), gpu.Read(x), 2e-6, 2e-6, "gaussian vs cpu");
    }

    [Theory]
    [DeviceData(Device)]
    public void BuildFailureShowsTheFullLog(string device)
    {
        var backend = (OpenClBackend)TestBackends.Get(device);
        var ex = Assert.Throws<OpenClException>(() =>
            backend.Driver.Compile("broken.cl", "__kernel void broken(__global float* x) { x[0] = undefined_name_42; }", ""));
        Assert.Equal(-11, ex.Status);
        Assert.Contains("CL_BUILD_PROGRAM_FAILURE", ex.Message);
        Assert.Contains("undefined_name_42", ex.Message);
    }

    [Theory]
    [DeviceData(Device)]
    public void RegistryListsAndOpensTheDevice(string device)
    {
        var listed = DeviceRegistry.List();
        Assert.Contains(listed, d => d.Name == device && d.Info.Kind == "opencl" && d.Info.ComputeUnits > 0 && d.Info.MaxWorkGroupSize > 0);
        using var opened = DeviceRegistry.Open(device);
        Assert.Equal(device, opened.Name);
        Assert.Throws<ArgumentException>(() => DeviceRegistry.Open("opencl:99"));
    }

    [Theory]
    [DeviceData(Device)]
    public void EventsTimeALaunchAndComplete(string device)
    {
        var backend = (OpenClBackend)TestBackends.Get(device);
        var driver = backend.Driver;
        const int n = 1 << 20;
        using var x = backend.Allocate(n);
        backend.Kernels.Fill(n, 1f, x); // warm-up: builds the program outside the timed span
        using var start = driver.Record();
        backend.Kernels.Fill(n, 2.5f, x);
        using var end = driver.Record();
        driver.Wait(end);
        Assert.True(driver.IsComplete(end));
        Assert.True(driver.IsComplete(start));
        double ms = driver.ElapsedMilliseconds(start, end);
        Assert.True(ms > 0 && double.IsFinite(ms), $"elapsed {ms} ms");
        var back = new float[n];
        backend.Read(x, 0, back);
        Assert.All(new[] { back[0], back[n / 2], back[n - 1] }, v => Assert.Equal(2.5f, v));

        backend.Synchronize();
        using var idle = driver.Record();
        driver.Wait(idle);
        Assert.True(driver.IsComplete(idle));
        Assert.True(driver.ElapsedMilliseconds(end, idle) >= 0);
    }

    [Theory]
    [DeviceData(Device)]
    public void EventsAreCheckedForOwnershipAndDisposal(string device)
    {
        var driver = ((OpenClBackend)TestBackends.Get(device)).Driver;
        var disposed = driver.Record();
        disposed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => driver.Wait(disposed));
        using var other = new OpenClBackend(0);
        using var foreign = other.Driver.Record();
        Assert.Throws<ArgumentException>(() => driver.IsComplete(foreign));
    }

    [Fact]
    public void StatusNamesComeFromClH()
    {
        Assert.Equal("CL_OUT_OF_RESOURCES", OpenClException.StatusName(-5));
        Assert.Equal("CL_INVALID_WORK_GROUP_SIZE", OpenClException.StatusName(-54));
        Assert.Contains("clFinish failed: CL_INVALID_COMMAND_QUEUE (-36)", new OpenClException("clFinish", -36).Message);
    }
}
