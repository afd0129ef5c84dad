using System.Reflection;
using Xunit.Sdk;

namespace GpuGen.Tests.Support;

/// <summary>
/// Theory data for one device: every row (the <see cref="Member"/>'s rows, the inline row, or an
/// empty row) with the device name put first. When the machine has no such device, the rows are
/// reported as skipped with the reason. Put one per device on a test:
/// <c>[DeviceData("cpu", Member = nameof(Cases))] [DeviceData("ilgpu-cpu", Member = nameof(Cases))]</c>, and the
/// same for "cuda:0" and "opencl:0".
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class DeviceDataAttribute(string device, params object[] row) : DataAttribute
{
    public string Device { get; } = device;

    /// <summary>A static property, field or method of the test class (or <see cref="MemberType"/>) yielding object[] rows.</summary>
    public string? Member { get; set; }

    public Type? MemberType { get; set; }

    public override string? Skip
    {
        get => TestBackends.Absence(Device);
        set { }
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod)
    {
        if (Member is null) return [[Device, .. row]];
        var type = MemberType ?? testMethod.DeclaringType!;
        const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.FlattenHierarchy;
        object? value = type.GetProperty(Member, flags)?.GetValue(null)
            ?? type.GetField(Member, flags)?.GetValue(null)
            ?? type.GetMethod(Member, flags, Type.EmptyTypes)?.Invoke(null, null)
            ?? throw new ArgumentException($"{type.Name}.{Member} is not a static member yielding rows");
        return ((IEnumerable<object[]>)value).Select(r => (object[])[Device, .. r]).ToList();
    }
}
