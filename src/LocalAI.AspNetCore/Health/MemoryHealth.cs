namespace LocalAI.AspNetCore;

/// <summary>Memory figures of <c>GET /health/system</c>, in bytes.</summary>
internal sealed class MemoryHealth
{
    public long TotalBytes { get; init; }

    public long? AvailableBytes { get; init; }

    public long ProcessWorkingSetBytes { get; init; }

    public long ManagedHeapBytes { get; init; }
}
