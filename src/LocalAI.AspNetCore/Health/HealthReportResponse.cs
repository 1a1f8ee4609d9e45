namespace LocalAI.AspNetCore;

/// <summary>The answer of <c>GET /health</c>: the overall status and every LocalAI health check.</summary>
internal sealed class HealthReportResponse
{
    public required string Status { get; init; }

    public double TotalDurationMs { get; init; }

    public required Dictionary<string, HealthEntryResponse> Checks { get; init; }
}
