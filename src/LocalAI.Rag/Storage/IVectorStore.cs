namespace LocalAI.Rag;

/// <summary>One collection of chunk vectors for one embedding model; the embedded <see cref="FileVectorStore"/> and <see cref="PostgresVectorStore"/> implement it.</summary>
public interface IVectorStore : IAsyncDisposable
{
    /// <summary>Gets the embedding model the collection was created with, or <see langword="null"/> when it holds nothing yet.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The recorded identity.</returns>
    Task<EmbeddingModelIdentity?> GetModelAsync(CancellationToken cancellationToken = default);

    /// <summary>Records <paramref name="model"/> when the collection is new; otherwise checks it is the recorded one.</summary>
    /// <param name="model">The embedding model about to add or query vectors.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the model is recorded or checked.</returns>
    /// <exception cref="EmbeddingModelMismatchException">The collection holds vectors of another model or dimension.</exception>
    Task EnsureModelAsync(EmbeddingModelIdentity model, CancellationToken cancellationToken = default);

    /// <summary>Gets the chunks of a document, in order.</summary>
    /// <param name="documentId">The document.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The chunks; empty when the document is unknown.</returns>
    Task<IReadOnlyList<VectorRecord>> GetDocumentAsync(string documentId, CancellationToken cancellationToken = default);

    /// <summary>Replaces the chunks of each document as one unit: readers see the old set or the new one, never a mix, and a crash keeps one of them.</summary>
    /// <param name="documents">The documents and their complete new chunk sets.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the change is durable.</returns>
    /// <exception cref="InvalidOperationException">No model was recorded with <see cref="EnsureModelAsync"/>.</exception>
    /// <exception cref="EmbeddingModelMismatchException">A vector has the wrong number of dimensions.</exception>
    Task ReplaceDocumentsAsync(IReadOnlyList<DocumentRecords> documents, CancellationToken cancellationToken = default);

    /// <summary>Removes a document and its chunks.</summary>
    /// <param name="documentId">The document.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the document existed.</returns>
    Task<bool> DeleteDocumentAsync(string documentId, CancellationToken cancellationToken = default);

    /// <summary>Finds the chunks most similar (cosine) to a query vector, filtering before ranking.</summary>
    /// <param name="query">The query embedding, of the recorded model.</param>
    /// <param name="options">Top-k, threshold, filter.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The hits, best first.</returns>
    /// <exception cref="EmbeddingModelMismatchException">The query has the wrong number of dimensions.</exception>
    Task<IReadOnlyList<VectorSearchHit>> SearchAsync(ReadOnlyMemory<float> query, VectorSearchOptions options, CancellationToken cancellationToken = default);

    /// <summary>Ranks chunks by BM25 over their text, filtering before ranking.</summary>
    /// <param name="query">The query text.</param>
    /// <param name="options">Top-k, threshold, filter.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The hits, best first.</returns>
    Task<IReadOnlyList<VectorSearchHit>> KeywordSearchAsync(string query, VectorSearchOptions options, CancellationToken cancellationToken = default);

    /// <summary>Runs a vector search and a keyword search on one snapshot of the collection, for hybrid fusion: a concurrent re-index shows in both rankings or in neither, so one result never holds chunks of two versions of a document.</summary>
    /// <param name="query">The query embedding, of the recorded model.</param>
    /// <param name="text">The query text, for BM25.</param>
    /// <param name="vectorOptions">Top-k, threshold, filter of the vector ranking.</param>
    /// <param name="keywordOptions">Top-k, threshold, filter of the keyword ranking.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Both rankings, best first.</returns>
    /// <exception cref="EmbeddingModelMismatchException">The query has the wrong number of dimensions.</exception>
    Task<HybridSearchHits> HybridSearchAsync(ReadOnlyMemory<float> query, string text, VectorSearchOptions vectorOptions, VectorSearchOptions keywordOptions, CancellationToken cancellationToken = default);

    /// <summary>Counts the chunks in the collection.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number of chunks.</returns>
    Task<long> CountAsync(CancellationToken cancellationToken = default);
}
