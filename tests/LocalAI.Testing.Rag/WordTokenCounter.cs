using LocalAI.Rag;

namespace LocalAI.Testing.Rag;

/// <summary>Counts whitespace-separated words; a fast, predictable counter for tests of logic that does not depend on the tokenizer.</summary>
public sealed class WordTokenCounter : ITokenCounter
{
    /// <inheritdoc/>
    public int CountTokens(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
