namespace LocalAI.Testing.LlamaServer;

/// <summary>A test against a real llama-server; skipped, with the reason, only when the binary has not been built on this machine.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LlamaServerFactAttribute : FactAttribute
{
    public LlamaServerFactAttribute()
    {
        if (LlamaServer.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
