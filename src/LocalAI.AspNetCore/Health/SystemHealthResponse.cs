namespace LocalAI.AspNetCore;

/// <summary>The answer of <c>GET /health/system</c>: CPU, memory and the server process.</summary>
internal sealed class SystemHealthResponse
{
    public required CpuHealth Cpu { get; init; }

    public required MemoryHealth Memory { get; init; }

    public required ProcessHealth Process { get; init; }
}
