using GpuGen.Viewer.Rendering;

namespace GpuGen.Viewer.Training;

/// <summary>A training window: takes in what the training thread reported since the last frame, then draws.</summary>
public interface ITrainingScene : IDisposable
{
    /// <summary>Takes in what the training thread reported since the last call; true when that changes the picture.</summary>
    bool Update();

    void Draw(Renderer r, RectF area, double fps);
}
