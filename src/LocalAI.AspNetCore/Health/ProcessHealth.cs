namespace LocalAI.AspNetCore;

/// <summary>Process figures of <c>GET /health/system</c>.</summary>
internal sealed class ProcessHealth
{
    public int Id { get; init; }

    public double UptimeSeconds { get; init; }

    public int Threads { get; init; }

    public required string Runtime { get; init; }

    public required string Os { get; init; }

    public string? MachineName { get; init; }
}
