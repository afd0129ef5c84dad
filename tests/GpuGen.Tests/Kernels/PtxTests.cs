using System.Reflection;
using GpuGen.Kernels;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace GpuGen.Tests.Kernels;

/// <summary>
/// CUDA without a GPU: every kernel of kernels/ compiled offline to PTX through ILGPU's PTX backend for
/// sm_70, sm_80 and sm_90, checked for its entry point, target and shared memory. (ILGPU 1.5.3 writes
/// `.target sm_80` for sm_90: an H100 JIT-compiles sm_80 PTX, so it runs; nothing sm_90-specific is
/// emitted.) scripts/ptxas-check.sh assembles the same PTX with ptxas where the CUDA toolkit is installed.
/// </summary>
public class PtxTests
{
    private static readonly Type[] Tilings = [typeof(GemmTile128), typeof(GemmTile64), typeof(GemmTile32)];

    /// <summary>Every kernel entry point: the void static methods of the *Kernels classes, generic ones per tiling.</summary>
    public static IReadOnlyList<MethodInfo> Kernels { get; } = typeof(DeviceMath).Assembly.GetTypes()
        .Where(t => t.IsClass && t.IsAbstract && t.IsSealed && t.Name.EndsWith("Kernels", StringComparison.Ordinal))
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
        .Where(m => m.ReturnType == typeof(void))
        // Generic kernels are the tiled ones (type argument an IGemmTile); other generic methods are device helpers.
        .Where(m => !m.IsGenericMethodDefinition || m.GetGenericArguments()[0].GetGenericParameterConstraints().Contains(typeof(IGemmTile)))
        .SelectMany(m => m.IsGenericMethodDefinition
            ? Tilings.Select(tile => m.MakeGenericMethod(tile))
            : [m])
        .ToList();

    public static IEnumerable<object[]> Cases() =>
        from arch in new[] { "SM_70", "SM_80", "SM_90" }
        from kernel in Kernels
        select new object[] { arch, Label(kernel) };

    /// <summary>"Class.Method" or "Class.Method&lt;Tiling&gt;": a kernel's name in test rows.</summary>
    public static string Label(MethodInfo kernel) =>
        $"{kernel.DeclaringType!.Name}.{kernel.Name}{(kernel.IsGenericMethod ? "<" + kernel.GetGenericArguments()[0].Name + ">" : "")}";

    /// <summary>Kernels that allocate shared memory (the GEMM tiles and every group reduction).</summary>
    public static bool UsesSharedMemory(MethodInfo kernel) =>
        kernel.Name is "Sgemm" or "SumRows" or "Softmax" or "SoftmaxBackward" or "Mse" or "BceWithLogits" or "SoftmaxCrossEntropy"
            or "SoftmaxCrossEntropyBackward" or "GaussianKl" or "ChannelBiasBackward" or "Affine" or "DequantizeLogit"
        || kernel.DeclaringType == typeof(LayerKernels) && kernel.Name.Contains("Norm", StringComparison.Ordinal);

    private static readonly Lazy<Context> Ptx = new(() => Context.Create(b => b.Cuda().EnableAlgorithms()));

    [Theory]
    [MemberData(nameof(Cases))]
    public void CompilesToPtx(string arch, string kernel)
    {
        var method = Kernels.Single(k => Label(k) == kernel);
        string ptx = Compile(method, arch switch { "SM_70" => CudaArchitecture.SM_70, "SM_80" => CudaArchitecture.SM_80, _ => CudaArchitecture.SM_90 });
        Assert.Contains(".visible .entry", ptx);
        Assert.Contains(arch == "SM_70" ? ".target sm_70" : ".target sm_80", ptx);
        Assert.Contains(".address_size 64", ptx);
        if (UsesSharedMemory(method)) Assert.Contains(".shared", ptx);
        else Assert.DoesNotContain(".shared", ptx);
    }

    [Fact]
    public void EveryKernelFileIsCovered()
    {
        // The reflection above must see the kernels: a positive control for the enumeration itself.
        var classes = Kernels.Select(k => k.DeclaringType!.Name).Distinct().ToHashSet();
        foreach (var name in new[] { "ElementwiseKernels", "RandomKernels", "ReductionKernels", "LossKernels", "OptimKernels",
                     "DiffusionKernels", "GemmKernels", "ConvKernels", "CouplingKernels", "LayerKernels" })
            Assert.Contains(name, classes);
        Assert.True(Kernels.Count >= 50, $"{Kernels.Count} kernels found");
    }

    /// <summary>PTX text of one kernel for one architecture (the ISA each needs: 7.8 up to sm_80, 8.0 for sm_90).</summary>
    public static string Compile(MethodInfo method, CudaArchitecture arch)
    {
        var isa = arch == CudaArchitecture.SM_90 ? CudaInstructionSet.ISA_80 : CudaInstructionSet.ISA_78;
        using var backend = new PTXBackend(Ptx.Value, new CudaCapabilityContext(arch), arch, isa, null);
        var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(method), new KernelSpecialization());
        return compiled.PTXAssembly;
    }
}
