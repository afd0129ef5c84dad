using GpuGen.Data;
using GpuGen.Models.Classifier;

namespace GpuGen.Cli.Commands.Families;

/// <summary>How the command line shows a classifier's accuracy: a few lines for people, keys for --json.</summary>
internal static class ClassifierReport
{
    public static void Print(ClassifierEvaluation e, Dataset data)
    {
        Console.WriteLine($"test accuracy {e.Accuracy:P2} on {e.Count} images of {data.Name} (cross-entropy {e.Loss:F4})");
        for (int c = 0; c < e.ClassCounts.Length; c++)
            if (e.ClassCounts[c] > 0) Console.WriteLine($"  {Name(data, c),-14} {e.ClassAccuracy[c],7:P1}  ({e.ClassCounts[c]} images)");
    }

    /// <summary>test_accuracy, test_loss, n and class_accuracy (one object per class: class, name, n, accuracy).</summary>
    public static JsonOut AddTo(JsonOut o, ClassifierEvaluation e, Dataset data) => o
        .Add("test_accuracy", e.Accuracy)
        .Add("test_loss", e.Loss)
        .Add("n", e.Count)
        .Add("class_accuracy", Enumerable.Range(0, e.ClassCounts.Length).Select(c => new JsonOut()
            .Add("class", c).Add("name", Name(data, c)).Add("n", e.ClassCounts[c]).Add("accuracy", e.ClassAccuracy[c])));

    private static string Name(Dataset data, int c) => c < data.ClassNames.Count ? data.ClassNames[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
