namespace LocalAI.Ollama.Tests;

/// <summary>A test against a real Ollama (<c>OLLAMA_HOST</c>, else localhost:11434); skipped, with the reason in the test output, when none answers.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LiveOllamaFactAttribute : FactAttribute
{
    public LiveOllamaFactAttribute()
    {
        if (LiveOllama.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
