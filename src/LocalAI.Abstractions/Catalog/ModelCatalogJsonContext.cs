using System.Text.Json.Serialization;

namespace LocalAI;

/// <summary>Source-generated JSON for catalog files.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(ModelCatalogDocument))]
internal sealed partial class ModelCatalogJsonContext : JsonSerializerContext;
