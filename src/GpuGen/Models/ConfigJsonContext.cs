using System.Text.Json.Serialization;
using GpuGen.Models.Classifier;
using GpuGen.Models.Diffusion;
using GpuGen.Models.Flows;
using GpuGen.Models.Gan;
using GpuGen.Models.PixelCnn;
using GpuGen.Models.Vae;

namespace GpuGen.Models;

/// <summary>
/// The configs' JSON contracts, generated at compile time (no reflection: trimming- and AOT-safe).
/// Fields are the properties in snake_case, in declaration order ("lr" and the like are named on the
/// property); computed get-only properties are left out; an unknown field or a null string is an error.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    IgnoreReadOnlyProperties = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(ToyDiffusionConfig))]
[JsonSerializable(typeof(ImageDiffusionConfig))]
[JsonSerializable(typeof(ClassifierConfig))]
[JsonSerializable(typeof(VaeConfig))]
[JsonSerializable(typeof(FlowConfig))]
[JsonSerializable(typeof(GanConfig))]
[JsonSerializable(typeof(PixelCnnConfig))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;
