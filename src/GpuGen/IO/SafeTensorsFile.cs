namespace GpuGen.IO;

/// <summary>The content of a safetensors file: tensors in data order, and the string metadata.</summary>
public sealed class SafeTensorsFile
{
    readonly Dictionary<string, SafeTensor> _byName;

    internal SafeTensorsFile(string path, IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        Tensors = tensors;
        Metadata = metadata;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The file this was read from (for error messages of later checks).</summary>
    public string Path { get; }

    public IReadOnlyList<SafeTensor> Tensors { get; }

    /// <summary>The "__metadata__" entries (empty if the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor called <paramref name="name"/>; a missing one is an error naming the file.</summary>
    public SafeTensor this[string name] =>
        _byName.TryGetValue(name, out var t) ? t
            : throw new KeyNotFoundException($"checkpoint {Path}: has no tensor '{name}'");

    public bool TryGetTensor(string name, out SafeTensor tensor) => _byName.TryGetValue(name, out tensor!);
}
