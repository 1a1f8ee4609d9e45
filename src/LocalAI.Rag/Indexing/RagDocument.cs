namespace LocalAI.Rag;

/// <summary>A document to index.</summary>
/// <param name="Id">The document's identifier (a relative path, a URL, a database key); re-indexing the same id replaces its chunks.</param>
/// <param name="Text">The document text.</param>
public sealed record RagDocument(string Id, string Text)
{
    /// <summary>Gets the metadata copied onto every chunk (source, language ...), usable in search filters.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Gets a value indicating whether the text is Markdown (chunked by headings, with the heading path as context).</summary>
    public bool IsMarkdown { get; init; }
}
