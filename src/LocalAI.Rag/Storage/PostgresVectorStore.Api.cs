using Npgsql;

namespace LocalAI.Rag;

/// <summary>
/// The public face of the PostgreSQL store: input is checked as the embedded store checks it (<see cref="VectorStoreInput"/>)
/// before anything reaches the server, and a failure of PostgreSQL or of the connection is a <see cref="VectorStoreException"/>
/// with the server's own words; no Npgsql exception reaches the caller.
/// </summary>
public sealed partial class PostgresVectorStore
{
    /// <inheritdoc/>
    public Task<EmbeddingModelIdentity?> GetModelAsync(CancellationToken cancellationToken = default) =>
        GuardAsync(() => GetModelCoreAsync(cancellationToken), "read its embedding model");

    /// <inheritdoc/>
    public Task EnsureModelAsync(EmbeddingModelIdentity model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return GuardAsync(() => EnsureModelCoreAsync(model, cancellationToken), "record or check its embedding model");
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<VectorRecord>> GetDocumentAsync(string documentId, CancellationToken cancellationToken = default)
    {
        VectorStoreInput.DocumentId(documentId, nameof(documentId));
        return GuardAsync(() => GetDocumentCoreAsync(documentId, cancellationToken), "read a document");
    }

    /// <inheritdoc/>
    public Task ReplaceDocumentsAsync(IReadOnlyList<DocumentRecords> documents, CancellationToken cancellationToken = default)
    {
        VectorStoreInput.Documents(documents);
        return documents.Count == 0 ? Task.CompletedTask : GuardAsync(() => ReplaceDocumentsCoreAsync(documents, cancellationToken), "replace documents");
    }

    /// <inheritdoc/>
    public Task<bool> DeleteDocumentAsync(string documentId, CancellationToken cancellationToken = default)
    {
        VectorStoreInput.DocumentId(documentId, nameof(documentId));
        return GuardAsync(() => DeleteDocumentCoreAsync(documentId, cancellationToken), "delete a document");
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<VectorSearchHit>> SearchAsync(ReadOnlyMemory<float> query, VectorSearchOptions options, CancellationToken cancellationToken = default)
    {
        VectorStoreInput.Options(options);
        VectorStoreInput.Query(query.Span);
        return GuardAsync(() => SearchCoreAsync(query, options, cancellationToken), "search");
    }

    /// <inheritdoc/>
    /// <remarks>BM25 is computed in process over the chunks that pass the filter (PostgreSQL has no BM25 ranking of its own); fine for thousands of chunks, not for millions.</remarks>
    public Task<IReadOnlyList<VectorSearchHit>> KeywordSearchAsync(string query, VectorSearchOptions options, CancellationToken cancellationToken = default)
    {
        VectorStoreInput.KeywordQuery(query);
        VectorStoreInput.Options(options);
        return GuardAsync(() => KeywordSearchCoreAsync(query, options, cancellationToken), "search by keywords");
    }

    /// <inheritdoc/>
    /// <remarks>Both rankings are read in one <c>REPEATABLE READ</c> transaction, so both see one snapshot of the table.</remarks>
    public Task<HybridSearchHits> HybridSearchAsync(ReadOnlyMemory<float> query, string text, VectorSearchOptions vectorOptions, VectorSearchOptions keywordOptions, CancellationToken cancellationToken = default)
    {
        VectorStoreInput.Options(vectorOptions);
        VectorStoreInput.Options(keywordOptions);
        VectorStoreInput.Query(query.Span);
        VectorStoreInput.KeywordQuery(text);
        return GuardAsync(() => HybridSearchCoreAsync(query, text, vectorOptions, keywordOptions, cancellationToken), "run a hybrid search");
    }

    /// <inheritdoc/>
    public Task<long> CountAsync(CancellationToken cancellationToken = default) =>
        GuardAsync(() => CountCoreAsync(cancellationToken), "count its chunks");

    private async Task GuardAsync(Func<Task> operation, string action) =>
        await GuardAsync(async () => { await operation().ConfigureAwait(false); return true; }, action).ConfigureAwait(false);

    private async Task<T> GuardAsync<T>(Func<Task<T>> operation, string action)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (PostgresException ex)
        {
            throw new VectorStoreException(
                $"PostgreSQL collection '{_options.CollectionName}' could not {action}: the server answered {ex.SqlState} \"{ex.MessageText}\".", ex)
            {
                SqlState = ex.SqlState,
            };
        }
        catch (NpgsqlException ex)
        {
            throw new VectorStoreException(
                $"PostgreSQL collection '{_options.CollectionName}' could not {action}: {ex.Message} Check that the server is running and the connection string is right.", ex);
        }
    }
}
