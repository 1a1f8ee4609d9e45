namespace LocalAI.Rag;

/// <summary>A piece of a document, small enough for the embedding model, with a stable identifier.</summary>
/// <param name="Id">The stable identifier: document id, position and content hash (<c>doc:3:1f2e...</c>).</param>
/// <param name="DocumentId">The document the chunk belongs to.</param>
/// <param name="Index">The chunk's position in the document, from 0.</param>
/// <param name="Text">The chunk's own text.</param>
/// <param name="Context">The context prepended when embedding (a Markdown heading path such as <c>Install &gt; Linux</c>), or <see langword="null"/>.</param>
/// <param name="ContentHash">The SHA-256 of <see cref="EmbeddingText"/>, hex; equal hashes need no new embedding.</param>
/// <param name="TokenCount">The tokens of <see cref="EmbeddingText"/>.</param>
public sealed record TextChunk(string Id, string DocumentId, int Index, string Text, string? Context, string ContentHash, int TokenCount)
{
    /// <summary>Gets the text that is embedded: the context, a blank line, then the text.</summary>
    public string EmbeddingText => ComposeEmbeddingText(Context, Text);

    internal static string ComposeEmbeddingText(string? context, string text) =>
        string.IsNullOrEmpty(context) ? text : context + "\n\n" + text;
}
