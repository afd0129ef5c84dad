namespace GpuGen.Training;

/// <summary>What a training run trains, for its header line and its summary.</summary>
/// <param name="Family">the family name its checkpoints carry ("ddpm-2d", "ddpm-image", "gan", …)</param>
/// <param name="DataName">the data it trains on, as given to <c>--data</c> ("8gaussians", "fashion-mnist", "idx:/…")</param>
/// <param name="Description">one line describing the model and its training recipe</param>
/// <param name="Parameters">trainable parameters</param>
public sealed record TrainingRunInfo(string Family, string DataName, string Description, long Parameters);
