using System.Text.Json.Serialization;

namespace LocalAI.AspNetCore;

/// <summary>The inner object of OpenAI's error body; <c>param</c> and <c>code</c> are written even when null, as OpenAI does.</summary>
internal sealed class ErrorBody
{
    public required string Message { get; init; }

    public required string Type { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Param { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Code { get; init; }

    /// <summary>Gets, for a 503, why each backend could not serve the request.</summary>
    public IReadOnlyList<BackendReason>? Backends { get; init; }
}
