namespace GpuGen.IO;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new content, never a
/// half-written file: bytes go to a temporary file in the same directory, are flushed to disk, and
/// the temporary file is renamed over the target (rename is atomic within one file system, which
/// is why the temporary file must live beside the target rather than in /tmp).
/// </summary>
/// <example>
/// <code>
/// using var file = AtomicFile.Create("runs/model.safetensors");
/// file.Stream.Write(bytes);
/// file.Commit();   // without Commit, Dispose deletes the temporary file and the target is untouched
/// </code>
/// </example>
public sealed class AtomicFile : IDisposable
{
    readonly FileStream _stream;
    readonly string _tempPath;
    bool _committed;
    bool _disposed;

    AtomicFile(string path, string tempPath, FileStream stream)
    {
        Path = path;
        _tempPath = tempPath;
        _stream = stream;
    }

    /// <summary>The file that <see cref="Commit"/> replaces.</summary>
    public string Path { get; }

    /// <summary>The stream to write the new content to (the temporary file).</summary>
    public Stream Stream
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _stream;
        }
    }

    /// <summary>Starts writing <paramref name="path"/>; its directory is created if missing.</summary>
    public static AtomicFile Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        string dir = System.IO.Path.GetDirectoryName(full)
            ?? throw new ArgumentException($"cannot write '{path}': it names no file", nameof(path));
        string name = System.IO.Path.GetFileName(full);
        if (name.Length == 0)
            throw new ArgumentException($"cannot write '{path}': it names a directory, not a file", nameof(path));
        Directory.CreateDirectory(dir);
        // A hidden name with a random part: two writers of the same target never share a temp file,
        // and a crash leaves an obviously disposable ".name.xxxx.tmp" beside the intact target.
        string temp = System.IO.Path.Combine(dir, $".{name}.{Guid.NewGuid():N}.tmp");
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        return new AtomicFile(path, temp, stream);
    }

    /// <summary>Flushes the new content to disk and renames it over the target.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed) throw new InvalidOperationException($"{Path}: already committed");
        try
        {
            // Flush to the device before the rename: otherwise a power cut after the rename can leave
            // the target renamed but empty (the classic ext4 zero-length-file problem).
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
            File.Move(_tempPath, System.IO.Path.GetFullPath(Path), overwrite: true);
            _committed = true;
        }
        finally
        {
            if (!_committed) Dispose();
        }
    }

    /// <summary>Closes the temporary file; without a prior <see cref="Commit"/> it is deleted.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stream.Dispose();
        if (!_committed)
        {
            try { File.Delete(_tempPath); }
            catch (IOException) { }           // best effort: the original error matters more
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// Writes <paramref name="path"/> atomically with <paramref name="write"/>; if it throws, the
    /// temporary file is deleted, an existing target is left untouched, and the exception propagates.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var file = Create(path);
        write(file.Stream);
        file.Commit();
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using var file = Create(path);
        file.Stream.Write(bytes);
        file.Commit();
    }
}
