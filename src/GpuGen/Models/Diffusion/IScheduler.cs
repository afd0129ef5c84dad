using GpuGen.Backends;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// A sampler's view of the schedule (diffusers' scheduler idea: the scheduler is not the model):
/// which timesteps to visit and the coefficients of the step from each one to the next.
/// </summary>
public interface IScheduler
{
    NoiseSchedule Schedule { get; }

    /// <summary>The timesteps visited, from noisiest to t = 0.</summary>
    IReadOnlyList<int> Timesteps { get; }

    /// <summary>Coefficients of the step taken at Timesteps[index] (see <see cref="DiffusionStepArgs"/>).</summary>
    DiffusionStepArgs StepArgs(int index);

    /// <summary>Whether the step at Timesteps[index] adds fresh noise z (σ &gt; 0).</summary>
    bool AddsNoise(int index);
}
