using System.Text.Json;
using System.Text.Json.Serialization;

namespace LocalAI.AspNetCore;

/// <summary>The source-generated contract of the council and RAG endpoints' requests and answers (camelCase, nulls left out); council sessions and events use the council's own <c>CouncilJsonContext</c>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CouncilSessionRequest))]
[JsonSerializable(typeof(CouncilErrorEvent))]
[JsonSerializable(typeof(RagSearchRequest))]
[JsonSerializable(typeof(RagSearchResponse))]
[JsonSerializable(typeof(RagDocumentsRequest))]
[JsonSerializable(typeof(RagIndexingView))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
