using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>A module with one input and one output, which <see cref="Sequential"/> can chain.</summary>
public interface ILayer
{
    Tensor Forward(Tensor x);
}
