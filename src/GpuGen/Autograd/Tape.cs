using GpuGen.Tensors;

namespace GpuGen.Autograd;

/// <summary>
/// The autograd tape: ops append their backward closures in execution order and
/// <see cref="Tensor.Backward"/> replays them in reverse. Each closure reads its output's gradient
/// and accumulates (+=) into its inputs' gradients.
/// </summary>
public sealed class Tape
{
    private readonly List<Action> backward = new();

    public int Count => backward.Count;

    public void Record(Action step) => backward.Add(step);

    /// <summary>Runs every recorded backward, newest first, and empties the tape.</summary>
    public void Run()
    {
        for (int i = backward.Count - 1; i >= 0; i--)
            backward[i]();
        backward.Clear();
    }

    public void Clear() => backward.Clear();
}
