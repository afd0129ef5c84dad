namespace GpuGen.Models;

/// <summary>What a loaded model is, as <see cref="GenerativeModel.Info"/> tells it.</summary>
/// <param name="Family">the family name its checkpoint carries ("ddpm-2d", "vae", "realnvp", …)</param>
/// <param name="Step">optimisation steps the model has taken</param>
/// <param name="DataName">the data it was trained on, as given to <c>--data</c></param>
/// <param name="Description">one line describing the model and its training recipe</param>
public sealed record ModelInfo(string Family, long Step, string DataName, string Description);
