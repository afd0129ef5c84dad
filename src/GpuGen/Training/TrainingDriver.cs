using System.Diagnostics;
using GpuGen.Distributed;
using GpuGen.IO;
using GpuGen.Pictures;

namespace GpuGen.Training;

/// <summary>
/// The one training loop every family runs through: steps until the model has taken
/// <see cref="TrainingOptions.Steps"/> or the time budget is spent, a checkpoint and a sample picture
/// at their cadence, the stop on a non-finite value (naming the step and the last good checkpoint,
/// and writing nothing after it), then the final checkpoint, samples.png, and the curves as loss.png
/// and loss.npy. The family supplies only its step and its pictures (<see cref="ITrainingRun"/>).
/// </summary>
public static class TrainingDriver
{
    /// <summary>Weight of the newest value in the progress line's moving averages.</summary>

    /// <summary>
    /// Trains <paramref name="run"/> as <paramref name="options"/> say. With <paramref name="parallel"/>
    /// the run is one replica of a data-parallel run (<see cref="DataParallel"/>): it takes its share of
    /// every batch, and only rank 0 writes checkpoints, pictures and curves.
    /// </summary>
    public static TrainingResult Run(ITrainingRun run, TrainingOptions options, Action<TrainingProgress>? onStep = null, DataParallel? parallel = null)
    {
        options.Validate();
        bool writes = parallel is null || parallel.IsRoot;
        if (writes) Directory.CreateDirectory(options.RunDir);
        parallel?.Join(run);
        var series = run.Series;
        var curves = series.Select(_ => new List<float>()).ToArray();
        var values = new float[series.Count];
        var smoothed = new double[series.Count];
        var averages = new SmoothedValue[series.Count];
        var files = new List<string>();
        string? lastGood = options.ResumedFrom;
        long start = run.Step, todo = Math.Max(1, options.Steps - start);
        var clock = Stopwatch.StartNew();
        bool timeUp = false;
        while (run.Step < options.Steps && !timeUp)
        {
            Array.Fill(values, float.NaN); // a series the step forgets to write stops the run instead of passing as zero
            run.TrainStep(values);
            timeUp = clock.Elapsed.TotalSeconds >= options.MaxSeconds;
            if (parallel is not null) timeUp = parallel.AfterStep(values, timeUp);
            for (int i = 0; i < values.Length; i++)
                if (!float.IsFinite(values[i])) throw new TrainingDivergedException(run.Step, series[i].Name, values[i], lastGood);
            for (int i = 0; i < values.Length; i++)
            {
                curves[i].Add(values[i]);
                smoothed[i] = averages[i].Add(values[i]);
            }
            if (options.CheckpointEvery > 0 && run.Step % options.CheckpointEvery == 0)
            {
                lastGood = Path.Combine(options.RunDir, $"step-{run.Step}.safetensors");
                if (writes) run.Save(lastGood);
            }
            if (writes && options.SampleEvery > 0 && run.Step % options.SampleEvery == 0 && run.Step < options.Steps)
                files.Add(Picture(run, options, $"samples-step-{run.Step}.png"));
            if (onStep is null) continue;
            double seconds = clock.Elapsed.TotalSeconds, done = run.Step - start;
            double fraction = Math.Max(done / todo, double.IsFinite(options.MaxSeconds) ? seconds / options.MaxSeconds : 0);
            onStep(new TrainingProgress(run.Step, run.Step - start, Math.Min(1, fraction), seconds, values, smoothed, run.Status(smoothed)));
        }
        double elapsed = clock.Elapsed.TotalSeconds;
        if (writes)
        {
            run.Save(options.FinalCheckpoint);
            files.Add(Picture(run, options, "samples.png"));
            if (curves[0].Count > 1) files.AddRange(WriteCurves(options.RunDir, series, curves));
        }
        return new TrainingResult(run.Step, run.Step - start, elapsed, curves.Select(c => c.ToArray()).ToArray(), options.FinalCheckpoint, files);
    }

    private static string Picture(ITrainingRun run, TrainingOptions options, string name)
    {
        string path = Path.Combine(options.RunDir, name);
        run.WritePicture(path, options.PictureSeed);
        return path;
    }

    /// <summary>loss.png (one panel per series) and loss.npy ([steps] for one series, [series, steps] for several).</summary>
    private static IEnumerable<string> WriteCurves(string dir, IReadOnlyList<TrainingSeries> series, List<float>[] curves)
    {
        string png = Path.Combine(dir, "loss.png"), npy = Path.Combine(dir, "loss.npy");
        int n = curves[0].Count;
        var picture = series.Count == 1
            ? Plot.LossCurve(curves[0].ToArray(), title: series[0].Title, logY: series[0].LogScale, smoothing: 50)
            : Plot.Strip(series.Select((s, i) => Plot.LossCurve(curves[i].ToArray(), 420, 280, s.Title, logY: s.LogScale, smoothing: Math.Min(50, Math.Max(1, n / 5)))).ToList());
        picture.SavePng(png);
        Npy.Write(npy, curves.SelectMany(c => c).ToArray(), series.Count == 1 ? [n] : [series.Count, n]);
        return [png, npy];
    }
}
