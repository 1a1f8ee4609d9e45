using System.Text.Json;
using System.Text.Json.Serialization;

namespace LocalAI.AspNetCore;

/// <summary>The System.Text.Json source-generated contract of the management endpoints (camelCase, nulls left out).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BackendsView))]
[JsonSerializable(typeof(IReadOnlyList<ModelGroupView>))]
[JsonSerializable(typeof(PullModelRequest))]
[JsonSerializable(typeof(PullProgressView))]
[JsonSerializable(typeof(ManagementError))]
internal sealed partial class ManagementJsonContext : JsonSerializerContext;
