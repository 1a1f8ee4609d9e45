namespace LocalAI.AspNetCore;

/// <summary>One health check of <c>GET /health</c>.</summary>
internal sealed class HealthEntryResponse
{
    public required string Status { get; init; }

    public string? Description { get; init; }

    public double DurationMs { get; init; }

    public Dictionary<string, string>? Data { get; init; }
}
