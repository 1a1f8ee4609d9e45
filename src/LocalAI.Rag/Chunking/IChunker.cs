namespace LocalAI.Rag;

/// <summary>Splits a document into chunks that fit the embedding model.</summary>
public interface IChunker
{
    /// <summary>Splits a document into chunks.</summary>
    /// <param name="documentId">The document's identifier, part of every chunk id.</param>
    /// <param name="text">The document text.</param>
    /// <returns>The chunks in document order.</returns>
    IReadOnlyList<TextChunk> Chunk(string documentId, string text);
}
