namespace LocalAI.AspNetCore;

/// <summary>CPU figures of <c>GET /health/system</c>.</summary>
internal sealed class CpuHealth
{
    public int LogicalCores { get; init; }

    /// <summary>Gets the process's CPU use since the previous call (or since start), as a percentage of all cores.</summary>
    public double ProcessPercent { get; init; }

    /// <summary>Gets the whole machine's CPU use since the previous call, where the platform tells it (Linux /proc/stat).</summary>
    public double? SystemPercent { get; init; }

    public IReadOnlyList<double>? LoadAverage { get; init; }

    public required string Architecture { get; init; }
}
