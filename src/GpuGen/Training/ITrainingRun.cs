using GpuGen.Data;
using GpuGen.IO;

namespace GpuGen.Training;

/// <summary>
/// A model under training, as a family hands it to <see cref="TrainingDriver"/>: it takes one step on
/// its next batch (the family owns its data order, seeded by its config and the step, so a resumed
/// run sees the batches it would have seen), saves itself, and draws its samples. Everything around
/// the steps — run folder, cadence, progress, the stop on a non-finite loss, loss curves, the
/// summary — is the driver's.
/// </summary>
public interface ITrainingRun : IDisposable
{
    /// <summary>What is being trained: family, data, model and recipe, parameter count.</summary>
    TrainingRunInfo Info { get; }

    /// <summary>Optimisation steps taken so far (including those before a resume).</summary>
    long Step { get; }

    /// <summary>What each step reports; the first is the loss.</summary>
    IReadOnlyList<TrainingSeries> Series { get; }

    /// <summary>One optimisation step; writes one value per <see cref="Series"/> into <paramref name="values"/>.</summary>
    void TrainStep(Span<float> values);

    /// <summary>The progress line's numbers from the smoothed series, e.g. "loss 0.0123".</summary>
    string Status(ReadOnlySpan<double> smoothed);

    /// <summary>The run's state as its checkpoints name it (weights, buffers, EMA, optimizers): what data-parallel replicas keep identical.</summary>
    StateDict State();

    /// <summary>
    /// Takes only <paramref name="share"/> of every batch from now on, with the random numbers of those
    /// rows (<see cref="BatchShare"/>); called once, before the first step, by data-parallel training.
    /// </summary>
    void Share(BatchShare share);

    /// <summary>Writes a complete checkpoint (atomically) to <paramref name="path"/>.</summary>
    void Save(string path);

    /// <summary>Draws samples with <paramref name="seed"/> (the same every time, so pictures over a run compare) into a PNG.</summary>
    void WritePicture(string path, ulong seed);

    /// <summary>
    /// A picture of the model now for a live training window, drawn from <paramref name="seed"/> so that
    /// successive previews compare; null when the family has none (its recipe then has no live view).
    /// </summary>
    TrainingPreview? Preview(ulong seed) => null;

    /// <summary>
    /// Measures what is cheap to measure at the end of a run (MMD to the data, a toy flow's test NLL,
    /// sampling speed), adds it to <paramref name="summary"/> and prints it to <paramref name="report"/>.
    /// </summary>
    void Finish(JsonOut summary, TrainingResult result, ulong seed, TextWriter report);
}
