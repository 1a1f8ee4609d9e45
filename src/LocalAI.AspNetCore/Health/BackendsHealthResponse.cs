namespace LocalAI.AspNetCore;

/// <summary>The answer of <c>GET /health/backends</c>.</summary>
internal sealed class BackendsHealthResponse
{
    public string? Active { get; init; }

    public required List<BackendHealthResponse> Backends { get; init; }
}
