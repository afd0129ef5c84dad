namespace GpuGen.Training;

/// <summary>
/// The parameters every family's training takes, spelled the same everywhere. A recipe gives their
/// help lines and the defaults that differ between families (<see cref="TrainingRecipe"/>); batch,
/// learning rate and samples default to null, which the family resolves for its data.
/// </summary>
public static class TrainParameters
{
    public static TrainParameter<string> Data { get; } = new("--data", "training data");

    public static TrainParameter<int> Steps { get; } = new("--steps", "total optimisation steps (a resumed model counts the steps it has taken)", 1000);

    public static TrainParameter<ulong> Seed { get; } = new("--seed", "random seed (same seed, same result on every backend)", 0UL);

    public static TrainParameter<int?> Batch { get; } = new("--batch", "batch size");

    public static TrainParameter<float?> LearningRate { get; } = new("--lr", "Adam learning rate");

    public static TrainParameter<int?> Samples { get; } = new("--samples", "samples in each picture");

    /// <summary>The window of `train … --view` (recipes with a <see cref="TrainingRecipe.LiveView"/>).</summary>
    public static TrainParameter<bool> View { get; } = new("--view", "show the training live in a window");

    /// <summary>With --view: new samples in the window every K steps.</summary>
    public static TrainParameter<int> ViewEvery { get; } = new("--view-every", "with --view: new samples every K steps", 100);

    /// <summary>With --view: where to save the window's last frame.</summary>
    public static TrainParameter<string?> ViewScreenshot { get; } = new("--view-screenshot", "with --view: save the window's last frame, when training ends, as a PNG");
}
