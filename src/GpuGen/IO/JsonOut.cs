using System.Text;
using System.Text.Json;

namespace GpuGen.IO;

/// <summary>Builds the one JSON object that a command prints as its last line under --json.</summary>
public sealed class JsonOut
{
    private readonly List<(string Key, Action<Utf8JsonWriter> Write)> fields = new();

    public JsonOut Add(string key, string? value) => Field(key, w => { if (value is null) w.WriteNullValue(); else w.WriteStringValue(value); });

    public JsonOut Add(string key, double value) => Field(key, w =>
    {
        if (double.IsFinite(value)) w.WriteNumberValue(Math.Round(value, 6));
        else w.WriteNullValue();
    });

    public JsonOut Add(string key, long value) => Field(key, w => w.WriteNumberValue(value));

    /// <summary>An array of numbers (non-finite ones as null).</summary>
    public JsonOut Add(string key, IEnumerable<double> values) => Field(key, w =>
    {
        w.WriteStartArray();
        foreach (double v in values)
        {
            if (double.IsFinite(v)) w.WriteNumberValue(Math.Round(v, 6));
            else w.WriteNullValue();
        }
        w.WriteEndArray();
    });

    /// <summary>An array of strings.</summary>
    public JsonOut Add(string key, IEnumerable<string> values) => Field(key, w =>
    {
        w.WriteStartArray();
        foreach (string v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    });

    public JsonOut Add(string key, bool value) => Field(key, w => w.WriteBooleanValue(value));

    public JsonOut Add(string key, JsonOut nested) => Field(key, nested.WriteObject);

    public JsonOut Add(string key, IEnumerable<JsonOut> items) => Field(key, w =>
    {
        w.WriteStartArray();
        foreach (var item in items) item.WriteObject(w);
        w.WriteEndArray();
    });

    private JsonOut Field(string key, Action<Utf8JsonWriter> write)
    {
        fields.Add((key, write));
        return this;
    }

    private void WriteObject(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        foreach (var (key, write) in fields)
        {
            w.WritePropertyName(key);
            write(w);
        }
        w.WriteEndObject();
    }

    public override string ToString()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream)) WriteObject(w);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
