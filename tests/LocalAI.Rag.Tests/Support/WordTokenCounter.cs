namespace LocalAI.Rag.Tests;

/// <summary>Counts whitespace-separated words; a fast, predictable counter for tests of logic that does not depend on the tokenizer.</summary>
internal sealed class WordTokenCounter : ITokenCounter
{
    public int CountTokens(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
