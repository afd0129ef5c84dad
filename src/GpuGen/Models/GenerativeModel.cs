using GpuGen.IO;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models;

/// <summary>
/// A trained model of any family, as an embedding program or `gpugen sample|eval` meets it: loaded
/// from a checkpoint by the family name it carries (<see cref="ModelFamilies"/>), then sampled,
/// measured, or trained further on its data.
/// </summary>
public abstract class GenerativeModel : IDisposable
{
    private bool handedOver, disposed;

    protected GenerativeModel(Device device, string path)
    {
        Device = device;
        Path = path;
    }

    /// <summary>Loads the checkpoint at <paramref name="path"/> onto <paramref name="device"/>, whatever its family.</summary>
    public static GenerativeModel Load(string path, Device device) => ModelFamilies.Load(path, device);

    public Device Device { get; }

    /// <summary>The checkpoint it was loaded from.</summary>
    public string Path { get; }

    /// <summary>What the model is: family, steps taken, data, description.</summary>
    public abstract ModelInfo Info { get; }

    /// <summary>The family name its checkpoint carries ("ddpm-2d", "vae", "realnvp", …).</summary>
    public string Family => Info.Family;

    /// <summary>Optimisation steps the model has taken.</summary>
    public long Step => Info.Step;

    /// <summary>The data it was trained on, as given to <c>--data</c>.</summary>
    public string DataName => Info.DataName;

    /// <summary>One line describing the model and its training recipe.</summary>
    public string Description => Info.Description;

    /// <summary>Draws samples and the pictures asked for.</summary>
    public SampleResult Sample(SampleRequest request)
    {
        EnsureOwned();
        if (request.N < 1) throw new ArgumentException($"--n must be a positive number, got {request.N}");
        return SampleCore(request);
    }

    /// <summary>
    /// Measures the model (held-out losses, likelihood bounds, sample distances), prints what it found
    /// to <paramref name="report"/>, and returns the numbers as `gpugen eval --json` prints them.
    /// </summary>
    public JsonOut Evaluate(EvalRequest request, TextWriter report)
    {
        EnsureOwned();
        if (request.N < 1) throw new ArgumentException($"--n must be a positive number, got {request.N}");
        return EvaluateCore(request, report);
    }

    /// <summary>
    /// A training run that continues this model on the data it was trained on, for
    /// <see cref="TrainingDriver"/>; <paramref name="pictureSamples"/> is the samples in each picture
    /// (null: the family's default). The run owns the model from then on: dispose the run; this object
    /// only lets itself be disposed.
    /// </summary>
    public ITrainingRun Continue(int? pictureSamples = null)
    {
        EnsureOwned();
        var run = ContinueCore(pictureSamples);
        handedOver = true;
        return run;
    }

    /// <summary>
    /// What `gpugen view` shows of this model (<see cref="Views.LiveView"/>): the scene and what feeds it,
    /// from <paramref name="request"/>; a value that does not apply to the family is one
    /// <see cref="ArgumentException"/> naming its flag. The view uses this model, which stays owned here.
    /// </summary>
    public Views.LiveView View(Views.ViewRequest request)
    {
        EnsureOwned();
        request.Validate();
        return ViewCore(request);
    }

    /// <summary>The family's live view; a family without one keeps this refusal.</summary>
    protected virtual Views.LiveView ViewCore(Views.ViewRequest request) =>
        throw new ArgumentException($"checkpoint {Path} holds a '{Family}' model, which gpugen view has no live view for");

    protected abstract SampleResult SampleCore(SampleRequest request);

    protected abstract JsonOut EvaluateCore(EvalRequest request, TextWriter report);

    protected abstract ITrainingRun ContinueCore(int? pictureSamples);

    /// <summary>Frees the family's model (not called once a training run owns it).</summary>
    protected abstract void DisposeModel();

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        if (!handedOver) DisposeModel();
        GC.SuppressFinalize(this);
    }

    private void EnsureOwned()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (handedOver) throw new InvalidOperationException($"{Path}: the model now belongs to the training run that Continue returned");
    }
}
