using System.Diagnostics;
using GpuGen.Data;
using GpuGen.Optim;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Distributed;

/// <summary>
/// Data-parallel training of one model by the processes of <see cref="Communicator"/>, the way
/// PyTorch's DistributedDataParallel does it: every process holds the whole model, takes its share of
/// each global batch (<see cref="BatchShare"/>), and before each optimizer update the gradients are
/// averaged over the processes with one Allreduce over a single flat buffer per optimizer, so every
/// process takes the same update from the same weights. Rank 0's state (weights, buffers, EMA, Adam's
/// moments) is broadcast once at the start. After each step one small Allreduce averages what the step
/// reported (its losses) together with the module buffers (BatchNorm's running statistics), so the
/// summary is the global batch's and the buffers stay identical; the EMA follows identical weights and
/// stays identical by itself. Gradients travel through host memory.
/// </summary>
public sealed class DataParallel
{
    private readonly Stopwatch communication = new();
    private StateDict? state;
    private Tensor[] buffers = [];
    private float[] flat = [];
    private bool rebroadcastAfterFirstStep;

    public DataParallel(ICommunicator communicator) => Communicator = communicator;

    public ICommunicator Communicator { get; }

    public int Rank => Communicator.Rank;

    public int Size => Communicator.Size;

    /// <summary>True on the process that writes checkpoints, pictures and the summary.</summary>
    public bool IsRoot => Communicator.Rank == 0;

    public BatchShare Share => new(Communicator.Rank, Communicator.Size);

    /// <summary>Seconds spent in collectives (including waiting for the slowest process) since <see cref="Join"/>.</summary>
    public double CommunicationSeconds => communication.Elapsed.TotalSeconds;

    /// <summary>Gradient values averaged per optimizer step, summed over the optimizers.</summary>
    public long GradientValues { get; private set; }

    /// <summary>
    /// Makes <paramref name="run"/> one replica: it takes its share of every batch, starts from rank 0's
    /// state, and averages its gradients before every update. A run that starts from step 0 is made
    /// identical once more after its first step, for layers whose first batch sets their weights
    /// (ActNorm's data-dependent initialisation sees only this process's share).
    /// </summary>
    public void Join(ITrainingRun run)
    {
        run.Share(Share);
        state = run.State();
        buffers = state.Entries.Where(e => e.Kind == StateKind.Buffer).Select(e => e.Tensor).ToArray();
        BroadcastState();
        GradientValues = state.Optimizers.Sum(o => o.Parameters.Sum(p => (long)p.Length));
        foreach (var optimizer in state.Optimizers) optimizer.BeforeUpdate = AverageGradients;
        rebroadcastAfterFirstStep = run.Step == 0 && Size > 1;
    }

    /// <summary>
    /// Averages a step's reported values (and the buffers) over the processes; call after every step.
    /// A value that is not finite on one process is not finite in the average, so every process stops
    /// together. Returns whether any process is <paramref name="done"/> (its time is up): the processes
    /// stop after the same step, or the others would wait for it forever.
    /// </summary>
    public bool AfterStep(Span<float> values, bool done)
    {
        int n = values.Length + Count(buffers) + 1;
        var buffer = Flat(n);
        values.CopyTo(buffer);
        Pack(buffers, buffer, values.Length);
        buffer[n - 1] = done ? 1 : 0;
        Sum(buffer, n);
        bool anyDone = buffer[n - 1] > 0;
        float scale = 1f / Size;
        for (int i = 0; i < n - 1; i++) buffer[i] *= scale;
        buffer.AsSpan(0, values.Length).CopyTo(values);
        Unpack(buffer, values.Length, buffers);
        if (rebroadcastAfterFirstStep)
        {
            rebroadcastAfterFirstStep = false;
            BroadcastState();
        }
        return anyDone;
    }

    private void AverageGradients(Adam optimizer)
    {
        var gradients = optimizer.Parameters.Select(p => p.Grad!).ToArray();
        int n = Count(gradients);
        var buffer = Flat(n);
        Pack(gradients, buffer, 0);
        Sum(buffer, n);
        float scale = 1f / Size;
        for (int i = 0; i < n; i++) buffer[i] *= scale;
        Unpack(buffer, 0, gradients);
    }

    /// <summary>Every state tensor (weights, buffers, EMA, moments) from rank 0, in one broadcast.</summary>
    private void BroadcastState()
    {
        var tensors = state!.Entries.Select(e => e.Tensor).ToArray();
        int n = Count(tensors);
        var buffer = Flat(n);
        if (IsRoot) Pack(tensors, buffer, 0);
        communication.Start();
        Communicator.Broadcast(buffer, n, root: 0);
        communication.Stop();
        Unpack(buffer, 0, tensors);
    }

    private void Sum(float[] buffer, int n)
    {
        communication.Start();
        Communicator.SumInPlace(buffer, n);
        communication.Stop();
    }

    private static int Count(IEnumerable<Tensor> tensors) => checked((int)tensors.Sum(t => t.Length));

    private static void Pack(IEnumerable<Tensor> tensors, float[] buffer, int at)
    {
        foreach (var t in tensors)
        {
            t.CopyTo(buffer.AsSpan(at, (int)t.Length));
            at += (int)t.Length;
        }
    }

    private static void Unpack(float[] buffer, int at, IEnumerable<Tensor> tensors)
    {
        foreach (var t in tensors)
        {
            t.CopyFrom(buffer.AsSpan(at, (int)t.Length));
            at += (int)t.Length;
        }
    }

    private float[] Flat(int n)
    {
        if (flat.Length < n) flat = new float[n];
        return flat;
    }
}
