namespace LocalAI.Rag.Tests;

/// <summary>A real store with faults injected: a failing write, or work done right after a search returns (a concurrent writer at the worst moment).</summary>
internal sealed class HookedVectorStore(IVectorStore inner) : IVectorStore
{
    private int _writes;

    /// <summary>Gets or sets the write (1-based) that fails with "disk full"; 0 for none.</summary>
    public int FailOnWrite { get; init; }

    /// <summary>Gets or sets what runs after each vector, keyword or hybrid search returns, before the caller sees it.</summary>
    public Func<Task>? AfterSearch { get; set; }

    public int Writes => Volatile.Read(ref _writes);

    public Task<EmbeddingModelIdentity?> GetModelAsync(CancellationToken cancellationToken = default) => inner.GetModelAsync(cancellationToken);

    public Task EnsureModelAsync(EmbeddingModelIdentity model, CancellationToken cancellationToken = default) => inner.EnsureModelAsync(model, cancellationToken);

    public Task<IReadOnlyList<VectorRecord>> GetDocumentAsync(string documentId, CancellationToken cancellationToken = default) => inner.GetDocumentAsync(documentId, cancellationToken);

    public Task ReplaceDocumentsAsync(IReadOnlyList<DocumentRecords> documents, CancellationToken cancellationToken = default) =>
        Interlocked.Increment(ref _writes) == FailOnWrite ? throw new IOException("disk full") : inner.ReplaceDocumentsAsync(documents, cancellationToken);

    public Task<bool> DeleteDocumentAsync(string documentId, CancellationToken cancellationToken = default) => inner.DeleteDocumentAsync(documentId, cancellationToken);

    public Task<IReadOnlyList<VectorSearchHit>> SearchAsync(ReadOnlyMemory<float> query, VectorSearchOptions options, CancellationToken cancellationToken = default) =>
        AfterAsync(inner.SearchAsync(query, options, cancellationToken));

    public Task<IReadOnlyList<VectorSearchHit>> KeywordSearchAsync(string query, VectorSearchOptions options, CancellationToken cancellationToken = default) =>
        AfterAsync(inner.KeywordSearchAsync(query, options, cancellationToken));

    public Task<HybridSearchHits> HybridSearchAsync(ReadOnlyMemory<float> query, string text, VectorSearchOptions vectorOptions, VectorSearchOptions keywordOptions, CancellationToken cancellationToken = default) =>
        AfterAsync(inner.HybridSearchAsync(query, text, vectorOptions, keywordOptions, cancellationToken));

    public Task<long> CountAsync(CancellationToken cancellationToken = default) => inner.CountAsync(cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<T> AfterAsync<T>(Task<T> search)
    {
        var result = await search;
        if (AfterSearch is { } after)
        {
            await after();
        }

        return result;
    }
}
