namespace LocalAI.Rag;

/// <summary>Counts tokens the way an embedding model's tokenizer does; chunk sizes and overlaps are measured with it.</summary>
public interface ITokenCounter
{
    /// <summary>Counts the tokens of a text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The number of tokens.</returns>
    int CountTokens(string text);
}
