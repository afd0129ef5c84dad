using System.Diagnostics;
using System.Reflection;
using GpuGen.Backends;
using GpuGen.Tensors;

namespace GpuGen.Bench;

/// <summary>
/// Where a workload's time goes, kernel by kernel: the workload runs on a device whose kernels are
/// wrapped in a timing proxy (each call synchronized, so the time is the kernel's own); calls are
/// summed per kernel and shape within one iteration, and the median over the profiled iterations is
/// reported, which keeps a few disturbed iterations (the machine is shared) out of the figures.
/// The proxy boxes arguments (a few µs per call), so the total is a little above the workload's time.
/// </summary>
public static class KernelProfile
{
    /// <summary>One kernel and shape: calls per iteration and median milliseconds per iteration.</summary>
    public sealed record Row(string Kernel, string Shape, int Calls, double Milliseconds);

    /// <summary>Runs the workload's warm-up, then <paramref name="iterations"/> profiled iterations; rows sorted by time.</summary>
    public static (IReadOnlyList<Row> Rows, double IterationMs) Run(Workload workload, Device device, int iterations)
    {
        var timer = DispatchProxy.Create<IKernels, KernelTimer>();
        var kernelTimer = (KernelTimer)(object)timer;
        using var profiled = new Device(new ProfilingBackend(device.Backend, timer));
        kernelTimer.Inner = device.Backend.Kernels;
        kernelTimer.Synchronize = device.Synchronize;
        var run = workload.Setup(profiled);
        try
        {
            for (int i = 0; i < Math.Max(1, run.Warmup); i++) run.Iteration();
            var perIteration = new List<Dictionary<(string, string), (int Calls, double Ms)>>();
            var totals = new List<double>();
            for (int i = 0; i < iterations; i++)
            {
                kernelTimer.Current = [];
                long t0 = Stopwatch.GetTimestamp();
                run.Iteration();
                profiled.Synchronize();
                totals.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                perIteration.Add(kernelTimer.Current);
            }
            kernelTimer.Current = null;
            var keys = perIteration.SelectMany(d => d.Keys).Distinct();
            var rows = keys.Select(k =>
            {
                var ms = perIteration.Select(d => d.TryGetValue(k, out var v) ? v.Ms : 0).Order().ToArray();
                int calls = perIteration.Max(d => d.TryGetValue(k, out var v) ? v.Calls : 0);
                return new Row(k.Item1, k.Item2, calls, ms[ms.Length / 2]);
            }).OrderByDescending(r => r.Milliseconds).ToList();
            return (rows, totals.Order().ElementAt(totals.Count / 2));
        }
        finally
        {
            run.Resources?.Dispose();
        }
    }

    /// <summary>The IKernels proxy: forwards each call, synchronizes, and adds its time to the current iteration.</summary>
    public class KernelTimer : DispatchProxy
    {
        internal IKernels Inner = null!;
        internal Action Synchronize = null!;
        internal Dictionary<(string, string), (int Calls, double Ms)>? Current;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            long t0 = Stopwatch.GetTimestamp();
            object? result;
            try
            {
                result = targetMethod!.Invoke(Inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }
            if (Current is not null)
            {
                Synchronize();
                double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                var key = (targetMethod.Name, Describe(args));
                Current.TryGetValue(key, out var v);
                Current[key] = (v.Calls + 1, v.Ms + ms);
            }
            return result;
        }

        private static string Describe(object?[]? args)
        {
            if (args is null) return "";
            var parts = new List<string>();
            foreach (var a in args)
            {
                switch (a)
                {
                    case Conv2dArgs c:
                        parts.Add($"N{c.Batch} {c.InChannels}→{c.OutChannels} k{c.KernelH}s{c.StrideH}p{c.PadH} {c.Height}×{c.Width}");
                        break;
                    case GemmArgs g:
                        parts.Add($"{(g.TransA ? "T" : "N")}{(g.TransB ? "T" : "N")} {g.M}×{g.N}×{g.K} b{g.Batch}");
                        break;
                    case int or long:
                        parts.Add(a.ToString()!);
                        break;
                    case Enum e:
                        parts.Add(e.ToString());
                        break;
                    case bool b when b:
                        parts.Add("acc");
                        break;
                }
            }
            return string.Join(" ", parts);
        }
    }

    private sealed class ProfilingBackend(IBackend inner, IKernels kernels) : IBackend
    {
        public string Name => inner.Name;

        public DeviceInfo Info => inner.Info;

        public IKernels Kernels => kernels;

        public DeviceBuffer Allocate(long length) => inner.Allocate(length);

        public void Write(DeviceBuffer dst, long dstOffset, ReadOnlySpan<float> src) => inner.Write(dst, dstOffset, src);

        public void Write(DeviceBuffer dst, long dstOffset, ReadOnlySpan<int> src) => inner.Write(dst, dstOffset, src);

        public void Read(DeviceBuffer src, long srcOffset, Span<float> dst) => inner.Read(src, srcOffset, dst);

        public void Read(DeviceBuffer src, long srcOffset, Span<int> dst) => inner.Read(src, srcOffset, dst);

        public void Synchronize() => inner.Synchronize();

        // The inner backend belongs to the caller's device.
        public void Dispose() { }
    }
}
