using GpuGen.Autograd;
using GpuGen.Backends;

namespace GpuGen.Tensors;

/// <summary>
/// A contiguous row-major array on a device: shape, element type and a pooled buffer. A tensor made
/// inside a <see cref="StepScope"/> belongs to it and is released with it; one made outside is
/// long-lived (a parameter, a table) and released by <see cref="Dispose"/>.
/// Host copies happen only at explicit calls (<see cref="FromArray(Device, float[], int[])"/>,
/// <see cref="ToArray"/>, <see cref="CopyFrom(ReadOnlySpan{float})"/>).
/// </summary>
public sealed class Tensor : IDisposable
{
    private readonly int[] dims;
    private readonly bool ownsBuffer;
    private DeviceBuffer? buffer;

    private Tensor(Device device, int[] shape, DType dtype, DeviceBuffer buffer, bool ownsBuffer)
    {
        Device = device;
        dims = shape;
        DType = dtype;
        Length = Tensors.Shape.Count(shape);
        this.buffer = buffer;
        this.ownsBuffer = ownsBuffer;
        Scope = StepScope.Current;
        if (Scope is not null)
        {
            if (!ReferenceEquals(Scope.Device, device))
                throw new InvalidOperationException($"a tensor on {device.Name} was made inside a step scope of {Scope.Device.Name}");
            Scope.Adopt(this);
        }
    }

    public Device Device { get; }

    public DType DType { get; }

    /// <summary>The dimensions, outermost first.</summary>
    public IReadOnlyList<int> Shape => dims;

    public int Rank => dims.Length;

    public long Length { get; }

    /// <summary>A name for error messages and checkpoints (parameters have one).</summary>
    public string? Name { get; set; }

    /// <summary>Whether backward computes a gradient for this tensor.</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>
    /// The accumulated gradient, made on first use; same shape as the tensor. After
    /// <see cref="ZeroGradLazily"/> it reads as zeros (filled here, on first read, if no backward wrote it).
    /// </summary>
    public Tensor? Grad
    {
        get
        {
            if (gradZeroPending) MaterializeZeroGrad();
            return grad;
        }
        internal set
        {
            grad = value;
            gradZeroPending = false;
        }
    }

    private Tensor? grad;
    private bool gradZeroPending;

    /// <summary>
    /// Sets the gradient to zero without a pass over it: the first backward that writes all of it
    /// stores instead of adding (<see cref="GradToWrite"/>), and any other first use fills it with zeros
    /// then. An optimizer's ZeroGrad on 17 M parameters otherwise costs a full memory pass per step.
    /// </summary>
    internal void ZeroGradLazily()
    {
        if (grad is null) return;
        gradZeroPending = true;
    }

    private void MaterializeZeroGrad()
    {
        gradZeroPending = false;
        Device.Kernels.Fill(grad!.Length, 0f, grad.Buffer);
    }

    internal StepScope? Scope { get; set; }

    internal DeviceBuffer Buffer => buffer ?? throw new ObjectDisposedException(Describe());

    /// <summary>The raw buffer, for code that launches kernels of its own (custom ops, backends' tests).</summary>
    public DeviceBuffer Storage => Buffer;

    public bool IsDisposed => buffer is null;

    /// <summary>Dimension i, counting from the end when negative.</summary>
    public int Dim(int i) => dims[i < 0 ? dims.Length + i : i];

    internal int[] Dims => dims;

    // ---- construction --------------------------------------------------------------------------

    /// <summary>Uninitialized memory from the pool.</summary>
    public static Tensor Empty(Device device, int[] shape, DType dtype = DType.Float32)
    {
        var dimsCopy = (int[])shape.Clone();
        return new Tensor(device, dimsCopy, dtype, device.Pool.Rent(Tensors.Shape.Count(dimsCopy)), ownsBuffer: true);
    }

    public static Tensor Full(Device device, int[] shape, float value)
    {
        var t = Empty(device, shape);
        device.Kernels.Fill(t.Length, value, t.Buffer);
        return t;
    }

    public static Tensor Zeros(Device device, params int[] shape) => Full(device, shape, 0f);

    public static Tensor FromArray(Device device, float[] data, params int[] shape) => FromSpan(device, data, shape);

    public static Tensor FromSpan(Device device, ReadOnlySpan<float> data, int[] shape)
    {
        var t = Empty(device, shape);
        t.CheckLength(data.Length);
        device.Backend.Write(t.Buffer, 0, data);
        return t;
    }

    public static Tensor FromInts(Device device, ReadOnlySpan<int> data, params int[] shape)
    {
        var t = Empty(device, shape, DType.Int32);
        t.CheckLength(data.Length);
        device.Backend.Write(t.Buffer, 0, data);
        return t;
    }

    /// <summary>A tensor of the same shape and type, uninitialized.</summary>
    public Tensor EmptyLike() => Empty(Device, dims, DType);

    public Tensor ZerosLike() => Full(Device, dims, 0f);

    // ---- host copies -----------------------------------------------------------------------------

    public float[] ToArray()
    {
        RequireType(DType.Float32);
        var data = new float[Length];
        Device.Backend.Read(Buffer, 0, data);
        return data;
    }

    /// <summary>Copies the values into <paramref name="destination"/> (exactly <see cref="Length"/> long; synchronizes).</summary>
    public void CopyTo(Span<float> destination)
    {
        RequireType(DType.Float32);
        CheckLength(destination.Length);
        Device.Backend.Read(Buffer, 0, destination);
    }

    public int[] ToIntArray()
    {
        RequireType(DType.Int32);
        var data = new int[Length];
        Device.Backend.Read(Buffer, 0, data);
        return data;
    }

    /// <summary>The single value of a one-element tensor (synchronizes).</summary>
    public float Item()
    {
        if (Length != 1) throw new InvalidOperationException($"Item() needs one element; {Describe()} has {Length}");
        Span<float> one = stackalloc float[1];
        Device.Backend.Read(Buffer, 0, one);
        return one[0];
    }

    public void CopyFrom(ReadOnlySpan<float> data)
    {
        RequireType(DType.Float32);
        CheckLength(data.Length);
        Device.Backend.Write(Buffer, 0, data);
    }

    public void CopyFrom(ReadOnlySpan<int> data)
    {
        RequireType(DType.Int32);
        CheckLength(data.Length);
        Device.Backend.Write(Buffer, 0, data);
    }

    /// <summary>Copies another tensor's values into this one (same length), on the device.</summary>
    public void CopyFrom(Tensor source)
    {
        CheckLength(source.Length);
        Device.Kernels.Axpby(Length, 1f, source.Buffer, 0f, Buffer);
    }

    // ---- views -------------------------------------------------------------------------------------

    /// <summary>
    /// The same elements under another shape (one dimension may be -1). Shares the buffer; when this
    /// tensor requires grad, the view's gradient flows back into it.
    /// </summary>
    public Tensor Reshape(params int[] shape)
    {
        var resolved = ResolveShape(shape);
        var view = new Tensor(Device, resolved, DType, Buffer, ownsBuffer: false);
        if (RequiresGrad && StepScope.Current is { RecordsGradients: true } scope)
        {
            view.RequiresGrad = true;
            scope.Tape.Record(() =>
            {
                if (view.Grad is null) return;
                var grad = GradToWrite(out bool overwrite);
                Device.Kernels.Axpby(Length, 1f, view.Grad.Buffer, overwrite ? 0f : 1f, grad.Buffer);
            });
        }
        return view;
    }

    /// <summary>A view that shares the values but stops gradients (like torch's detach()).</summary>
    public Tensor Detach() => new(Device, dims, DType, Buffer, ownsBuffer: false);

    // ---- autograd ------------------------------------------------------------------------------------

    /// <summary>
    /// Back-propagates from this scalar through the current scope's tape: seeds dL/dL = 1 and runs
    /// every recorded backward in reverse. Gradients accumulate into <see cref="Grad"/>.
    /// </summary>
    public void Backward()
    {
        if (Length != 1) throw new InvalidOperationException($"Backward() starts from a scalar; {Describe()} has {Length} elements");
        var scope = StepScope.Current ?? throw new InvalidOperationException("Backward() needs the step scope in which the loss was computed");
        if (!RequiresGrad) throw new InvalidOperationException($"{Describe()} does not depend on any tensor that requires grad");
        Device.Kernels.Fill(1, 1f, EnsureGrad().Buffer);
        scope.Tape.Run();
    }

    /// <summary>The gradient tensor, made (zeroed) on first use; it lives as long as this tensor's scope.</summary>
    internal Tensor EnsureGrad() => EnsureGrad(zeroed: true);

    /// <summary>
    /// The gradient tensor for a backward that writes every element of it: when the gradient does not
    /// exist yet it is made without zeroing and <paramref name="overwrite"/> is true, and the caller
    /// must store dL/dx there (β = 0) instead of adding to it. That saves a fill of the whole tensor per
    /// intermediate, which on the CPU costs as much as the element-wise op that produced it.
    /// </summary>
    internal Tensor GradToWrite(out bool overwrite)
    {
        overwrite = grad is null || gradZeroPending;
        gradZeroPending = false;
        return EnsureGrad(zeroed: false);
    }

    private Tensor EnsureGrad(bool zeroed)
    {
        if (Grad is not null) return Grad;   // a pending lazy zero is filled by the getter
        var previous = Scope;
        Grad = zeroed ? Full(Device, dims, 0f) : Empty(Device, dims);
        // A long-lived tensor's gradient is long-lived too: take it out of whatever scope is current.
        if (previous is null && Grad.Scope is not null) Grad.Scope.Keep(Grad);
        return Grad;
    }

    // ---- lifetime ------------------------------------------------------------------------------------

    /// <summary>Returns the buffer to the pool now (and the gradient's). Safe to call twice.</summary>
    public void Dispose()
    {
        Scope?.Keep(this);
        Release();
    }

    internal void Release()
    {
        if (buffer is null) return;
        if (ownsBuffer) Device.Pool.Return(buffer);
        buffer = null;
        if (grad is { Scope: null }) grad.Release();
    }

    public override string ToString() => Describe();

    internal string Describe() => $"{Name ?? "tensor"}{Tensors.Shape.Format(dims)}";

    private int[] ResolveShape(int[] shape)
    {
        var resolved = (int[])shape.Clone();
        int infer = Array.IndexOf(resolved, -1);
        if (infer >= 0)
        {
            long known = 1;
            for (int i = 0; i < resolved.Length; i++) if (i != infer) known *= resolved[i];
            if (known == 0 || Length % known != 0)
                throw new ArgumentException($"cannot reshape {Describe()} to {Tensors.Shape.Format(shape)}");
            resolved[infer] = (int)(Length / known);
        }
        if (Tensors.Shape.Count(resolved) != Length)
            throw new ArgumentException($"cannot reshape {Describe()} ({Length} elements) to {Tensors.Shape.Format(shape)}");
        return resolved;
    }

    private void CheckLength(long n)
    {
        if (n != Length) throw new ArgumentException($"{Describe()} holds {Length} elements, not {n}");
    }

    internal void RequireType(DType dtype)
    {
        if (DType != dtype) throw new InvalidOperationException($"{Describe()} is {DType}, expected {dtype}");
    }
}
