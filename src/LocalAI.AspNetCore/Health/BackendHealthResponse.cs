namespace LocalAI.AspNetCore;

/// <summary>One backend in <c>GET /health/backends</c>: its status, probe latency, circuit and models.</summary>
internal sealed class BackendHealthResponse
{
    public required string Id { get; init; }

    public int Priority { get; init; }

    public bool Available { get; init; }

    public bool Preferred { get; init; }

    public string? Version { get; init; }

    public string? Reason { get; init; }

    public double ProbeLatencyMs { get; init; }

    public required string Circuit { get; init; }

    public DateTimeOffset CheckedAt { get; init; }

    public required List<string> Capabilities { get; init; }

    public required List<string> Models { get; init; }
}
