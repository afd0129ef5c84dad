using System.Text.Json.Serialization.Metadata;

namespace GpuGen.Models;

/// <summary>
/// A model family's config: a record that checkpoints store as JSON (<see cref="ConfigJson"/>) and that
/// checks its own values.
/// </summary>
public interface IModelConfig<TSelf> where TSelf : IModelConfig<TSelf>
{
    /// <summary>The source-generated JSON contract, made by <see cref="ConfigJson.Contract{T}"/>.</summary>
    static abstract JsonTypeInfo<TSelf> JsonInfo { get; }

    /// <summary>JSON fields that checkpoints from before the field existed lack; they read as the record's default.</summary>
    static virtual IReadOnlyCollection<string> OptionalFields => [];

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first value out of range.</summary>
    void Validate();
}
