using GpuGen.Data;

namespace GpuGen.Training;

/// <summary>
/// What every recipe does while it turns arguments into a run, with the errors worded once: data opened
/// with its loader's error naming it, options the data makes meaningless refused, a config the family
/// rejects reported as bad model options, a checkpoint that does not fit the data named.
/// </summary>
public static class TrainingSetup
{
    /// <summary>--data opened; an unreadable one is one <see cref="TrainArgumentException"/> naming it.</summary>
    public static Dataset OpenData(string spec)
    {
        try
        {
            return Dataset.Open(spec);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
        {
            // The loaders' messages mostly start with the spec already; name it once.
            throw new TrainArgumentException(e.Message.StartsWith(spec, StringComparison.Ordinal) ? $"--data {e.Message}" : $"--data {spec}: {e.Message}");
        }
    }

    /// <summary>Refuses each of <paramref name="parameters"/> that was given: <paramref name="why"/> says why it does not apply.</summary>
    public static void Refuse(TrainArguments args, IEnumerable<TrainParameter> parameters, Func<TrainParameter, string> why)
    {
        foreach (var parameter in parameters)
            if (args.IsGiven(parameter))
                throw new TrainArgumentException(why(parameter));
    }

    /// <summary><paramref name="value"/> if it is at least 1; otherwise an error naming <paramref name="parameter"/>.</summary>
    public static int Positive(int value, TrainParameter parameter) =>
        value >= 1 ? value : throw new TrainArgumentException($"{parameter.Name} must be a positive number, got {value}");

    /// <summary>The family's model from a config it checks: a config it rejects is "bad model options: …".</summary>
    public static T Checked<T>(Func<T> make)
    {
        try
        {
            return make();
        }
        catch (ArgumentException e) when (e is not TrainArgumentException)
        {
            throw new TrainArgumentException($"bad model options: {e.Message}");
        }
    }

    /// <summary>
    /// The family's run over <paramref name="model"/>, which <paramref name="wrap"/> checks against the
    /// data; a mismatch names the checkpoint resumed (or the options, for a new model), and the model is
    /// disposed.
    /// </summary>
    public static ITrainingRun Wrap<TModel>(TModel model, RunFolder.Found? resume, Func<TModel, ITrainingRun> wrap) where TModel : IDisposable
    {
        try
        {
            return wrap(model);
        }
        catch (ArgumentException e)
        {
            model.Dispose();
            if (e is TrainArgumentException) throw;
            throw new TrainArgumentException(resume is null ? $"bad model options: {e.Message}" : $"--resume {resume.Path}: {e.Message}");
        }
    }

    /// <summary>A checkpoint to resume that does not fit: "--resume PATH: <paramref name="problem"/>".</summary>
    public static TrainArgumentException Mismatch(RunFolder.Found resume, string problem) => new($"--resume {resume.Path}: {problem}");
}

/// <summary>A training argument that cannot be used, as one line naming it (the command line exits 2 with it).</summary>
public sealed class TrainArgumentException(string message) : ArgumentException(message);
