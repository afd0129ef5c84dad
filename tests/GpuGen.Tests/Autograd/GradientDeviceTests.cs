using System.Reflection;
using GpuGen.Tests.Models;
using GpuGen.Tests.Support;
using Xunit.Sdk;

namespace GpuGen.Tests.Autograd;

/// <summary>
/// Every gradient test again on each GPU device: one row per test method (all its data rows inside),
/// run with <see cref="GradientCheck.Only"/> set to the device. The default suite checks every op on
/// "cpu" and "ilgpu-cpu"; these rows make the CUDA and OpenCL checks visible — run where the device
/// exists, reported skipped with the reason where it does not — instead of dropped in silence.
/// </summary>
public class GradientDeviceTests
{
    /// <summary>The test classes whose checks go through <see cref="GradientCheck"/>, and any other methods that do.</summary>
    private static readonly Type[] Classes = [typeof(OpsGradientTests), typeof(LayerGradientTests), typeof(CouplingGradientTests), typeof(ConvolutionGradientTests)];

    private static readonly (Type Type, string Method)[] Extra =
    [
        (typeof(PixelCnnTests), nameof(PixelCnnTests.PixelLinear_MatchesReference_AndFiniteDifferences)),
        (typeof(PixelCnnTests), nameof(PixelCnnTests.MaskA_GradientOfPixelI_IsExactlyZeroAtAndAfterI_OverTheWholeImage)),
    ];

    public static IEnumerable<object[]> Tests() =>
        Classes.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => m.GetCustomAttribute<FactAttribute>() is not null)
                .Select(m => (t, m.Name)))
            .Concat(Extra)
            .Select(x => new object[] { $"{x.Item1.Name}.{x.Item2}" });

    [Theory]
    [DeviceData("cuda:0", Member = nameof(Tests))]
    [DeviceData("opencl:0", Member = nameof(Tests))]
    public void GradientTestPassesOn(string device, string test)
    {
        int dot = test.IndexOf('.');
        var type = Classes.Concat(Extra.Select(e => e.Type)).First(t => t.Name == test[..dot]);
        var method = type.GetMethod(test[(dot + 1)..])!;
        var rows = method.GetCustomAttributes<DataAttribute>().SelectMany(d => d.GetData(method)).ToList();
        if (rows.Count == 0) rows.Add([]);
        GradientCheck.Only.Value = device;
        try
        {
            foreach (var row in rows)
            {
                try
                {
                    method.Invoke(Create(type), row);
                }
                catch (TargetInvocationException e) when (e.InnerException is not null)
                {
                    throw new XunitException($"{test}({string.Join(", ", row)}): {e.InnerException.Message}");
                }
            }
        }
        finally
        {
            GradientCheck.Only.Value = null;
        }
    }

    [Fact]
    public void TheListsNameExistingTests()
    {
        // The rows above are only as complete as the lists: every listed method must exist and be a test.
        foreach (var (type, name) in Extra) Assert.NotNull(type.GetMethod(name)?.GetCustomAttribute<FactAttribute>());
        Assert.True(Tests().Count() >= 30, $"only {Tests().Count()} gradient tests found");
    }

    /// <summary>An instance of a test class, its ITestOutputHelper (if it takes one) writing nowhere.</summary>
    private static object Create(Type type) =>
        type.GetConstructor(Type.EmptyTypes) is not null ? Activator.CreateInstance(type)! : Activator.CreateInstance(type, new SilentOutput())!;

    private sealed class SilentOutput : Xunit.Abstractions.ITestOutputHelper
    {
        public void WriteLine(string message)
        {
        }

        public void WriteLine(string format, params object[] args)
        {
        }
    }
}
