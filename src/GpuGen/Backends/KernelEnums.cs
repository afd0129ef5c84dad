namespace GpuGen.Backends;

/// <summary>Element-wise unary maps; activations have a backward in <see cref="IKernels.UnaryBackward"/>.</summary>
public enum UnaryOp
{
    /// <summary>y = x (a copy).</summary>
    Identity,
    Relu,
    /// <summary>y = x if x &gt; 0 else param·x.</summary>
    LeakyRelu,
    /// <summary>y = x·σ(x).</summary>
    Silu,
    Tanh,
    Sigmoid,
    /// <summary>Exact GELU, y = x·Φ(x) = ½x(1 + erf(x/√2)) (PyTorch's default).</summary>
    Gelu,
    Exp,
    /// <summary>y = ln x.</summary>
    Log,
    Square,
    Neg,
    /// <summary>y = param·x.</summary>
    Scale,
}

public enum BinaryOp
{
    Add,
    Sub,
    Mul,
}

/// <summary>
/// How the second operand b of a <see cref="IKernels.Binary"/> over a [rows, cols] matrix a is
/// broadcast.
/// </summary>
public enum Broadcast
{
    /// <summary>b is [rows, cols].</summary>
    None,
    /// <summary>b is [cols], the same row added to every row (a bias).</summary>
    Row,
    /// <summary>b is [rows], one value per row.</summary>
    Column,
    /// <summary>b is [1].</summary>
    Scalar,
}
