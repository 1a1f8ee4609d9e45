namespace LocalAI.Testing.LlamaServer;

/// <summary>A theory against a real llama-server; skipped, with the reason, only when the binary has not been built on this machine.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LlamaServerTheoryAttribute : TheoryAttribute
{
    public LlamaServerTheoryAttribute() => Skip = LlamaServer.Unavailable;
}
