using Microsoft.Extensions.AI;

namespace LocalAI.Council;

/// <summary>The result of one model call: its response or its error, with usage and latency.</summary>
internal readonly record struct GenerationOutcome(ChatResponse? Response, Exception? Error, TokenCounts Tokens, TimeSpan Latency)
{
    public bool Succeeded => Error is null;
}
