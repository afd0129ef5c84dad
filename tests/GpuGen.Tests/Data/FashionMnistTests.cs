using GpuGen.Data;

namespace GpuGen.Tests.Data;

/// <summary>Runs only where the Debian package dataset-fashion-mnist is installed (./test installs it).</summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public FashionMnistFactAttribute()
    {
        if (FashionMnist.PackageFiles(FashionMnist.Package) is null)
            Skip = "dataset-fashion-mnist is not installed (`apt-get install dataset-fashion-mnist`); the loaders are tested on files the tests write";
    }
}

public class FashionMnistTests
{
    [Fact]
    public void AMissingPackageHasNoFiles()
    {
        // What the skip above and the "not installed" error rest on: dpkg -L fails (or dpkg is absent).
        Assert.Null(FashionMnist.PackageFiles("gpugen-no-such-package"));
    }

    [FashionMnistFact]
    public void OpensTheRealDataset()
    {
        var train = Dataset.Open("fashion-mnist");
        Assert.Equal((60000, 1, 28, 28), (train.Count, train.Channels, train.Height, train.Width));
        Assert.Equal(FashionMnist.ClassNames, train.ClassNames);
        var counts = new int[10];
        foreach (int label in train.Labels) counts[label]++;
        Assert.All(counts, c => Assert.Equal(6000, c));   // the training set is balanced

        var test = Dataset.Open("fashion-mnist", new DatasetOptions { Split = DatasetSplit.Test });
        Assert.Equal((10000, 1, 28, 28), (test.Count, test.Channels, test.Height, test.Width));
        Assert.Equal(Enumerable.Range(0, 10), test.Labels.ToArray().Distinct().Order());

        // Real pictures: dark background, bright garment somewhere.
        var first = train.Example(0);
        Assert.Equal(0, first[0]);
        Assert.True(first.ToArray().Max() > 200);
    }
}
