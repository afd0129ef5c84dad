using GpuGen.Data;
using GpuGen.IO;
namespace GpuGen.Models.Classifier;

/// <summary>How a classifier's accuracy is shown: a few lines for people, keys for a JSON summary.</summary>
public static class ClassifierReport
{
    public static void Print(ClassifierEvaluation e, Dataset data, TextWriter report)
    {
        report.WriteLine($"test accuracy {e.Accuracy:P2} on {e.Count} images of {data.Name} (cross-entropy {e.Loss:F4})");
        for (int c = 0; c < e.ClassCounts.Length; c++)
            if (e.ClassCounts[c] > 0) report.WriteLine($"  {Name(data, c),-14} {e.ClassAccuracy[c],7:P1}  ({e.ClassCounts[c]} images)");
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
