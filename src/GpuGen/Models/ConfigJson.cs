using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using GpuGen.Training;

namespace GpuGen.Models;

/// <summary>
/// Model configs to and from the JSON that checkpoints carry ("gpugen.config"), through each config's
/// source-generated contract (<see cref="Contract{T}"/>). Reading is strict, because a config that reads
/// differently from what was trained builds a different network: every field must be there (but those
/// older checkpoints lack, <see cref="IModelConfig{TSelf}.OptionalFields"/>), none may be unknown, each
/// must have its type, and <see cref="IModelConfig{TSelf}.Validate"/> runs after. Each problem is one
/// <see cref="InvalidDataException"/> line naming the source and the field.
/// </summary>
public static class ConfigJson
{
    public static string Write<T>(T config) where T : IModelConfig<T> => JsonSerializer.Serialize(config, T.JsonInfo);

    /// <summary>
    /// A config's contract from its family's generated context (one <c>[JsonSerializable]</c> line in
    /// the family's folder: no reflection, trimming- and AOT-safe), with the options every config shares:
    /// fields are the properties in snake_case, in declaration order ("lr" and the like are named on the
    /// property); computed get-only properties are left out; an unknown field or a null string is an error.
    /// </summary>
    public static JsonTypeInfo<T> Contract<T>(JsonSerializerContext generated) where T : IModelConfig<T>
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            IgnoreReadOnlyProperties = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            TypeInfoResolver = generated,
        };
        options.MakeReadOnly();
        return (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
    }

    /// <summary>The config of a checkpoint; errors name its file.</summary>
    public static T Read<T>(CheckpointFile checkpoint) where T : IModelConfig<T> =>
        Read<T>(checkpoint.ConfigJson, $"checkpoint {checkpoint.Path}");

    /// <summary>Parses and validates a config; <paramref name="source"/> begins every error message.</summary>
    public static T Read<T>(string json, string source) where T : IModelConfig<T>
    {
        var info = T.JsonInfo;
        var fields = Fields(info);
        using var doc = Parse(json, source);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{source}: config is a JSON {root.ValueKind}, not an object");
        // The fields are checked by name first, so that the message names the field, not the type.
        foreach (var field in root.EnumerateObject())
            if (!fields.Any(p => p.Name == field.Name))
                throw new InvalidDataException($"{source}: config field '{field.Name}' is unknown");
        foreach (var p in fields)
            if (!root.TryGetProperty(p.Name, out _) && !T.OptionalFields.Contains(p.Name))
                throw new InvalidDataException($"{source}: config has no '{p.Name}'");
        T config;
        try
        {
            config = root.Deserialize(info) ?? throw new InvalidDataException($"{source}: config is null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(WrongType(e, root, info.Type, fields, source), e);
        }
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: bad model config ({e.Message})", e);
        }
        return config;
    }

    /// <summary>The stored fields: the contract also lists the computed get-only properties, which it neither writes nor reads.</summary>
    private static JsonPropertyInfo[] Fields(JsonTypeInfo info) =>
        info.Properties.Where(p => p.Set is not null || p.AssociatedParameter is not null).ToArray();

    private static JsonDocument Parse(string json, string source)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: config is not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>"config field 'hidden' is "wide", expected an integer", from the path STJ reports ("$.hidden", "$.channels[1]").</summary>
    private static string WrongType(JsonException e, JsonElement root, Type type, JsonPropertyInfo[] fields, string source)
    {
        string path = e.Path ?? "";
        string name = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..].Split('[')[0] : "";
        var property = fields.FirstOrDefault(p => p.Name == name);
        if (property is null || !root.TryGetProperty(name, out var value))
            return $"{source}: config does not read as {type.Name} ({e.Message.Split(" Path:")[0]})";
        return $"{source}: config field '{name}' is {value.GetRawText()}, expected {Expected(property.PropertyType)}";
    }

    private static string Expected(Type type) =>
        type == typeof(int) || type == typeof(long) ? "an integer"
        : type == typeof(ulong) ? "a non-negative integer"
        : type == typeof(float) || type == typeof(double) ? "a number"
        : type == typeof(bool) ? "true or false"
        : type == typeof(string) ? "a string"
        : type == typeof(int[]) ? "a list of integers"
        : type.IsEnum ? $"a {type.Name} name"
        : $"a {type.Name}";
}
