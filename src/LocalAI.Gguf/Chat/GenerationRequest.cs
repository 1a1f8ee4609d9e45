using Microsoft.Extensions.AI;

namespace LocalAI.Gguf;

/// <summary>One chat request as the generation loop sees it.</summary>
internal sealed record GenerationRequest(int[] Prompt, ChatOptions? Options, int MaxOutput, string Id, DateTimeOffset CreatedAt);
