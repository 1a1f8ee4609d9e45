using Microsoft.Extensions.AI;

namespace LocalAI.Gguf;

/// <summary>What the sampler of one chat request samples with, read from its <see cref="ChatOptions"/>.</summary>
/// <param name="Temperature">The temperature; 0 or less samples greedily.</param>
/// <param name="TopK">Keep the k most likely tokens, when positive.</param>
/// <param name="TopP">Keep the most likely tokens up to this probability mass, when between 0 and 1.</param>
/// <param name="Seed">The seed of the final draw.</param>
/// <param name="FrequencyPenalty">The frequency penalty over the last tokens.</param>
/// <param name="PresencePenalty">The presence penalty over the last tokens.</param>
/// <param name="Grammar">A GBNF grammar the output must follow, or <see langword="null"/>.</param>
/// <param name="GrammarRoot">The grammar's root rule.</param>
internal sealed record SamplerSettings(float Temperature, int? TopK, float? TopP, uint Seed, float FrequencyPenalty, float PresencePenalty, string? Grammar, string GrammarRoot)
{
    /// <summary>The temperature of requests that set none.</summary>
    public const float DefaultTemperature = 0.8f;

    /// <summary>Reads the sampling settings of a request.</summary>
    /// <param name="options">The request options.</param>
    /// <param name="grammar">The GBNF grammar the output must follow (root rule <c>root</c>), or <see langword="null"/>.</param>
    /// <returns>The settings.</returns>
    public static SamplerSettings From(ChatOptions? options, string? grammar) => new(
        options?.Temperature ?? DefaultTemperature,
        options?.TopK,
        options?.TopP,
        options?.Seed is { } s ? unchecked((uint)s ^ (uint)(s >> 32)) : (uint)Random.Shared.Next(),
        options?.FrequencyPenalty ?? 0f,
        options?.PresencePenalty ?? 0f,
        grammar,
        JsonGrammar.Root);
}
