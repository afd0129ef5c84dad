using System.Globalization;
using System.Text.RegularExpressions;

namespace GpuGen.Training;

/// <summary>
/// The checkpoints of a run folder: the final model.safetensors and the step-K.safetensors written on
/// the way. Decides where a run starts — fresh, or from the newest complete checkpoint — so that a
/// run killed between checkpoints (even with SIGKILL, which leaves step files but no final file)
/// continues from where its last checkpoint left it. Checkpoints are written atomically, so a
/// checkpoint file that exists is complete; one that does not open is skipped and named.
/// </summary>
public static partial class RunFolder
{
    public const string FinalName = "model.safetensors";

    /// <summary>A checkpoint found in a run folder, and the step it holds.</summary>
    public sealed record Found(string Path, long Step);

    /// <summary>
    /// The checkpoint a run continues from, or null for a fresh start. <paramref name="resume"/> is null
    /// when continuing was not asked for, "" to continue the newest checkpoint in <paramref name="dir"/>,
    /// or a checkpoint's path. A folder that already holds checkpoints is not started over without
    /// <paramref name="force"/>.
    /// </summary>
    public static Found? Resolve(string dir, string? resume, bool force, TextWriter? report = null)
    {
        if (resume is { Length: > 0 })
        {
            if (!File.Exists(resume)) throw new ArgumentException($"--resume: there is no {resume} to continue");
            Checkpoint.EnsureResumable(resume);
            return new Found(resume, Checkpoint.Open(resume, expectedFamily: null).Step);
        }
        var newest = Newest(dir, report);
        if (resume is null)
        {
            if (newest is not null && !force)
                throw new ArgumentException($"{newest.Path} already exists (a run at step {newest.Step}); pass --resume to continue it or --force to start over");
            RemoveUnfinished(dir, report);
            return null;
        }
        RemoveUnfinished(dir, report);
        if (newest is null)
            throw new ArgumentException($"--resume: {dir} holds no checkpoint to continue ({FinalName} or step-K.safetensors)");
        Checkpoint.EnsureResumable(newest.Path);
        if (System.IO.Path.GetFileName(newest.Path) != FinalName)
            report?.WriteLine($"resuming from {newest.Path}, the newest complete checkpoint (step {newest.Step}; {FinalName} is missing or older)");
        return newest;
    }

    /// <summary>
    /// A new run in <paramref name="dir"/> that starts from the weights in <paramref name="weights"/>:
    /// a training checkpoint or an exported float16 file (<see cref="CheckpointExport"/>), whose config
    /// and step count it takes. From an exported file the optimizer starts afresh (zero moments), so
    /// the run goes on from the weights, not bit for bit from where their run stopped. The folder
    /// must not hold a run already, unless <paramref name="force"/>.
    /// </summary>
    public static Found StartFrom(string dir, string weights, bool force, TextWriter? report = null)
    {
        if (!File.Exists(weights)) throw new ArgumentException($"--init: there is no {weights} to start from");
        Resolve(dir, resume: null, force, report);
        var checkpoint = Checkpoint.Open(weights, expectedFamily: null);
        if (checkpoint.WeightsOnly)
            report?.WriteLine($"starting from the exported weights in {weights} (step {checkpoint.Step}): the optimizer's moments start from zero");
        return new Found(weights, checkpoint.Step);
    }

    /// <summary>The checkpoint with the most steps among model.safetensors and step-K.safetensors (model.safetensors on a tie), or null.</summary>
    public static Found? Newest(string dir, TextWriter? report = null)
    {
        if (!Directory.Exists(dir)) return null;
        Found? best = null;
        foreach (string path in Candidates(dir))
        {
            long step;
            try
            {
                step = Checkpoint.Open(path, expectedFamily: null).Step;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                report?.WriteLine($"skipping {path}: {e.Message}");
                continue;
            }
            if (best is null || step > best.Step) best = new Found(path, step);
        }
        return best;
    }

    /// <summary>model.safetensors first, then step-K.safetensors by K, so that the first of equal steps wins.</summary>
    private static IEnumerable<string> Candidates(string dir)
    {
        string final = System.IO.Path.Combine(dir, FinalName);
        if (File.Exists(final)) yield return final;
        var steps = new List<(long K, string Path)>();
        foreach (string path in Directory.EnumerateFiles(dir, "step-*.safetensors"))
        {
            var m = StepFile().Match(System.IO.Path.GetFileName(path));
            if (m.Success && long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long k)) steps.Add((k, path));
        }
        foreach (var (_, path) in steps.OrderBy(s => s.K)) yield return path;
    }

    /// <summary>
    /// Deletes the temporary files of checkpoints whose writing a killed run did not finish
    /// (".step-K.safetensors.….tmp", ".model.safetensors.….tmp"); the checkpoints themselves are whole.
    /// </summary>
    private static void RemoveUnfinished(string dir, TextWriter? report)
    {
        if (!Directory.Exists(dir)) return;
        var unfinished = Directory.EnumerateFiles(dir, ".*.tmp").Where(p => UnfinishedFile().IsMatch(System.IO.Path.GetFileName(p))).Order().ToArray();
        foreach (string path in unfinished) File.Delete(path);
        if (unfinished.Length > 0)
            report?.WriteLine($"removed {unfinished.Length} unfinished checkpoint file{(unfinished.Length == 1 ? "" : "s")} a stopped run left ({string.Join(", ", unfinished.Select(System.IO.Path.GetFileName))})");
    }

    [GeneratedRegex(@"^step-(\d+)\.safetensors$")]
    private static partial Regex StepFile();

    [GeneratedRegex(@"^\.(step-\d+|model)\.safetensors\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex UnfinishedFile();
}
