using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace LocalAI.Rag;

/// <summary>A vector store in PostgreSQL with pgvector: one table per collection, an HNSW index (<c>vector_cosine_ops</c>), batched upserts by binary COPY, metadata filters pushed down to SQL (<c>jsonb @&gt;</c>), and the embedding model recorded in <c>localai_rag_collections</c>.</summary>
public sealed partial class PostgresVectorStore : IVectorStore
{
    private const int MaxEfSearch = 1000;
    private const string Columns = "id, document_id, chunk_index, content, content_hash, context, token_count, metadata";
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly PostgresVectorStoreOptions _options;
    private readonly string _table;
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private EmbeddingModelIdentity? _model;
    private bool _iterativeScan;
    private bool _copySupported = true;

    /// <summary>Initializes a new instance of the <see cref="PostgresVectorStore"/> class over a data source built with <c>UseVector()</c>.</summary>
    /// <param name="dataSource">The data source; the caller keeps ownership.</param>
    /// <param name="options">The collection and index settings.</param>
    /// <exception cref="ArgumentException">The collection name is not a plain lower-case identifier.</exception>
    public PostgresVectorStore(NpgsqlDataSource dataSource, PostgresVectorStoreOptions? options = null)
        : this(dataSource, options ?? new PostgresVectorStoreOptions(), ownsDataSource: false)
    {
    }

    private PostgresVectorStore(NpgsqlDataSource dataSource, PostgresVectorStoreOptions options, bool ownsDataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        if (!IsValidCollectionName(options.CollectionName))
        {
            throw new ArgumentException($"Collection name '{options.CollectionName}' must be lower-case letters, digits and underscores (at most 40), starting with a letter.", nameof(options));
        }

        _dataSource = dataSource;
        _options = options;
        _ownsDataSource = ownsDataSource;
        _table = "localai_rag_" + options.CollectionName;
    }

    /// <summary>Creates a store that owns a data source built from a connection string (with pgvector's type mapping).</summary>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <param name="options">The collection and index settings.</param>
    /// <returns>The store; disposing it disposes the data source.</returns>
    public static PostgresVectorStore Create(string connectionString, PostgresVectorStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseVector();
        return new PostgresVectorStore(builder.Build(), options ?? new PostgresVectorStoreOptions(), ownsDataSource: true);
    }

    /// <summary>Gets the name of the chunk table.</summary>
    public string TableName => _table;

    private async Task<EmbeddingModelIdentity?> GetModelCoreAsync(CancellationToken cancellationToken)
    {
        if (_model is not null)
        {
            return _model;
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var exists = new NpgsqlCommand("SELECT to_regclass('localai_rag_collections') IS NOT NULL", connection);
        await using var existsScope = exists.ConfigureAwait(false);
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
        {
            return null;
        }

        return await ReadModelAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureModelCoreAsync(EmbeddingModelIdentity model, CancellationToken cancellationToken)
    {
        if (_model is not null)
        {
            ThrowIfMismatch(_model, model);
            return;
        }

        await _schemaLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_model is not null)
            {
                ThrowIfMismatch(_model, model);
                return;
            }

            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            await ExecuteAsync(connection, """
                CREATE EXTENSION IF NOT EXISTS vector;
                CREATE TABLE IF NOT EXISTS localai_rag_collections (
                    name text PRIMARY KEY,
                    model text NOT NULL,
                    dimensions integer NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now());
                ALTER TABLE localai_rag_collections ADD COLUMN IF NOT EXISTS fingerprint bytea;
                """, cancellationToken).ConfigureAwait(false);

            // The data source may have loaded its type catalogue before the extension existed.
            await connection.ReloadTypesAsync(cancellationToken).ConfigureAwait(false);
            var insert = new NpgsqlCommand("INSERT INTO localai_rag_collections (name, model, dimensions, fingerprint) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING", connection);
            await using (insert.ConfigureAwait(false))
            {
                insert.Parameters.Add(new() { Value = _options.CollectionName });
                insert.Parameters.Add(new() { Value = model.Model });
                insert.Parameters.Add(new() { Value = model.Dimensions });
                insert.Parameters.Add(new() { Value = (object?)model.Fingerprint?.ToBytes() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var recorded = await ReadModelAsync(connection, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Collection '{_options.CollectionName}' vanished while it was being created.");
            ThrowIfMismatch(recorded, model);

            var d = recorded.Dimensions.ToString(CultureInfo.InvariantCulture);
            await ExecuteAsync(connection, $"""
                CREATE TABLE IF NOT EXISTS {_table} (
                    id text PRIMARY KEY,
                    document_id text NOT NULL,
                    chunk_index integer NOT NULL,
                    content text NOT NULL,
                    content_hash text NOT NULL,
                    context text,
                    token_count integer NOT NULL,
                    metadata jsonb NOT NULL,
                    embedding vector({d}) NOT NULL);
                CREATE INDEX IF NOT EXISTS {_table}_document ON {_table} (document_id);
                CREATE INDEX IF NOT EXISTS {_table}_metadata ON {_table} USING gin (metadata jsonb_path_ops);
                CREATE INDEX IF NOT EXISTS {_table}_hnsw ON {_table} USING hnsw (embedding vector_cosine_ops)
                    WITH (m = {_options.HnswM.ToString(CultureInfo.InvariantCulture)}, ef_construction = {_options.HnswEfConstruction.ToString(CultureInfo.InvariantCulture)});
                """, cancellationToken).ConfigureAwait(false);

            var version = new NpgsqlCommand("SELECT extversion FROM pg_extension WHERE extname = 'vector'", connection);
            await using (version.ConfigureAwait(false))
            {
                var text = await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
                _iterativeScan = System.Version.TryParse(text, out var v) && v >= new System.Version(0, 8, 0);
            }

            var server = new NpgsqlCommand("SELECT version()", connection);
            await using (server.ConfigureAwait(false))
            {
                // PGlite's socket server loses protocol synchronisation on COPY ... FROM STDIN: use batched INSERT there.
                var text = await server.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
                _copySupported = text?.Contains("PGlite", StringComparison.OrdinalIgnoreCase) != true;
            }

            _model = recorded;
        }
        finally
        {
            _schemaLock.Release();
        }
    }

    private async Task<IReadOnlyList<VectorRecord>> GetDocumentCoreAsync(string documentId, CancellationToken cancellationToken)
    {
        if (await GetModelCoreAsync(cancellationToken).ConfigureAwait(false) is not { } model)
        {
            return [];
        }

        await EnsureModelCoreAsync(model, cancellationToken).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var command = new NpgsqlCommand($"SELECT {Columns}, embedding FROM {_table} WHERE document_id = $1 ORDER BY chunk_index", connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new() { Value = documentId });
        var records = new List<VectorRecord>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(ReadRecord(reader, withVector: true));
        }

        return records;
    }

    private async Task ReplaceDocumentsCoreAsync(IReadOnlyList<DocumentRecords> documents, CancellationToken cancellationToken)
    {
        if (documents.Count == 0)
        {
            return;
        }

        var model = _model ?? await GetModelCoreAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The collection has no embedding model recorded yet; call EnsureModelAsync before adding vectors.");
        await EnsureModelCoreAsync(model, cancellationToken).ConfigureAwait(false);
        foreach (var record in documents.SelectMany(d => d.Records))
        {
            if (record.Vector.Length != model.Dimensions)
            {
                throw new EmbeddingModelMismatchException(model, model with { Dimensions = record.Vector.Length }, $"PostgreSQL collection '{_options.CollectionName}'");
            }
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var delete = new NpgsqlCommand($"DELETE FROM {_table} WHERE document_id = ANY($1)", connection, transaction);
        await using (delete.ConfigureAwait(false))
        {
            delete.Parameters.Add(new() { Value = documents.Select(d => d.DocumentId).ToArray() });
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var rows = documents.SelectMany(d => d.Records.Select(r => (d.DocumentId, Record: r))).ToList();
        if (_options.UseBinaryCopy && _copySupported)
        {
            await CopyAsync(connection, rows, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await InsertAsync(connection, transaction, rows, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> DeleteDocumentCoreAsync(string documentId, CancellationToken cancellationToken)
    {
        if (await GetModelCoreAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            return false;
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var delete = new NpgsqlCommand($"DELETE FROM {_table} WHERE document_id = $1", connection);
        await using var deleteScope = delete.ConfigureAwait(false);
        delete.Parameters.Add(new() { Value = documentId });
        return await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private async Task<IReadOnlyList<VectorSearchHit>> SearchCoreAsync(ReadOnlyMemory<float> query, VectorSearchOptions options, CancellationToken cancellationToken)
    {
        if (await ModelForSearchAsync(query.Length, cancellationToken).ConfigureAwait(false) is null)
        {
            return [];
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var hits = await VectorQueryAsync(connection, transaction, query, options, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return hits;
    }

    private async Task<IReadOnlyList<VectorSearchHit>> KeywordSearchCoreAsync(string query, VectorSearchOptions options, CancellationToken cancellationToken)
    {
        if (await GetModelCoreAsync(cancellationToken).ConfigureAwait(false) is not { } model)
        {
            return [];
        }

        await EnsureModelCoreAsync(model, cancellationToken).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        return await KeywordQueryAsync(connection, null, query, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Both rankings in one REPEATABLE READ transaction: one snapshot of the table.</summary>
    private async Task<HybridSearchHits> HybridSearchCoreAsync(ReadOnlyMemory<float> query, string text, VectorSearchOptions vectorOptions, VectorSearchOptions keywordOptions, CancellationToken cancellationToken)
    {
        if (await ModelForSearchAsync(query.Length, cancellationToken).ConfigureAwait(false) is null)
        {
            return new HybridSearchHits([], []);
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var vector = await VectorQueryAsync(connection, transaction, query, vectorOptions, cancellationToken).ConfigureAwait(false);
        var keyword = await KeywordQueryAsync(connection, transaction, text, keywordOptions, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new HybridSearchHits(vector, keyword);
    }

    private async Task<EmbeddingModelIdentity?> ModelForSearchAsync(int dimensions, CancellationToken cancellationToken)
    {
        if (await GetModelCoreAsync(cancellationToken).ConfigureAwait(false) is not { } model)
        {
            return null;
        }

        await EnsureModelCoreAsync(model, cancellationToken).ConfigureAwait(false);
        if (dimensions != model.Dimensions)
        {
            throw new EmbeddingModelMismatchException(model, model with { Dimensions = dimensions }, $"PostgreSQL collection '{_options.CollectionName}'");
        }

        return model;
    }

    private async Task<List<VectorSearchHit>> VectorQueryAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ReadOnlyMemory<float> query, VectorSearchOptions options, CancellationToken cancellationToken)
    {
        var hasFilter = options.Filter is { Conditions.Count: > 0 };
        // Without iterative index scans (pgvector < 0.8) HNSW would filter after taking its candidates: scan exactly instead.
        // hnsw.ef_search stops at 1000; past it only an iterative scan (or an exact one) can fill top-k.
        var exact = options.Exact || (!_iterativeScan && (hasFilter || options.Top > MaxEfSearch));
        var settings = new StringBuilder();
        if (exact)
        {
            settings.Append("SET LOCAL enable_indexscan = off;");
        }
        else
        {
            settings.Append(CultureInfo.InvariantCulture, $"SET LOCAL hnsw.ef_search = {Math.Clamp(Math.Max(_options.HnswEfSearch, options.Top), 1, MaxEfSearch)};");
            if (_iterativeScan)
            {
                settings.Append("SET LOCAL hnsw.iterative_scan = strict_order;");
            }
        }

        await ExecuteAsync(connection, settings.ToString(), cancellationToken, transaction).ConfigureAwait(false);
        var where = hasFilter ? "WHERE metadata @> $2::jsonb" : string.Empty;
        using var command = new NpgsqlCommand(
            $"SELECT {Columns}, embedding, 1 - (embedding <=> $1) AS score FROM {_table} {where} ORDER BY embedding <=> $1 LIMIT {options.Top.ToString(CultureInfo.InvariantCulture)}",
            connection,
            transaction);
        command.Parameters.Add(new() { Value = new Vector(query) });
        if (hasFilter)
        {
            command.Parameters.Add(new() { Value = ToJson(options.Filter!.Conditions), NpgsqlDbType = NpgsqlDbType.Jsonb });
        }

        var hits = new List<VectorSearchHit>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var score = reader.GetDouble(9);
                if (options.MinScore is { } min && score < min)
                {
                    continue;
                }

                hits.Add(new VectorSearchHit(ReadRecord(reader, withVector: true), score));
            }
        }

        return hits;
    }

    /// <remarks>BM25 is computed in process over the chunks that pass the filter (PostgreSQL has no BM25 ranking of its own); fine for thousands of chunks, not for millions.</remarks>
    private async Task<List<VectorSearchHit>> KeywordQueryAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string query, VectorSearchOptions options, CancellationToken cancellationToken)
    {
        var hasFilter = options.Filter is { Conditions.Count: > 0 };
        using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM {_table} {(hasFilter ? "WHERE metadata @> $1::jsonb" : string.Empty)} ORDER BY id",
            connection,
            transaction);
        if (hasFilter)
        {
            command.Parameters.Add(new() { Value = ToJson(options.Filter!.Conditions), NpgsqlDbType = NpgsqlDbType.Jsonb });
        }

        var rows = new List<VectorRecord>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(ReadRecord(reader, withVector: false));
            }
        }

        var index = new Bm25Index([.. rows.Select(r => r.Context is null ? r.Text : r.Context + "\n" + r.Text)]);
        return [.. index.Search(query, null, options.Top)
            .Where(h => options.MinScore is not { } min || h.Score >= min)
            .Select(h => new VectorSearchHit(rows[h.Row], h.Score))];
    }

    private async Task<long> CountCoreAsync(CancellationToken cancellationToken)
    {
        if (await GetModelCoreAsync(cancellationToken).ConfigureAwait(false) is not { } model)
        {
            return 0;
        }

        await EnsureModelCoreAsync(model, cancellationToken).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var command = new NpgsqlCommand($"SELECT count(*) FROM {_table}", connection);
        await using var commandScope = command.ConfigureAwait(false);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }

        _schemaLock.Dispose();
    }

    private async Task CopyAsync(NpgsqlConnection connection, List<(string DocumentId, VectorRecord Record)> rows, CancellationToken cancellationToken)
    {
        var importer = await connection.BeginBinaryImportAsync($"COPY {_table} ({Columns}, embedding) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var (documentId, record) in rows)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(record.Id, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(documentId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(record.Index, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(record.Text, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(record.ContentHash, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                if (record.Context is null)
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteAsync(record.Context, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                }

                await importer.WriteAsync(record.TokenCount, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(ToJson(record.Metadata), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(new Vector(record.Vector), "vector", cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<(string DocumentId, VectorRecord Record)> rows, CancellationToken cancellationToken)
    {
        foreach (var group in rows.Chunk(200))
        {
            var batch = new NpgsqlBatch(connection, transaction);
            await using (batch.ConfigureAwait(false))
            {
                foreach (var (documentId, record) in group)
                {
                    var command = new NpgsqlBatchCommand($"INSERT INTO {_table} ({Columns}, embedding) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)");
                    command.Parameters.Add(new() { Value = record.Id });
                    command.Parameters.Add(new() { Value = documentId });
                    command.Parameters.Add(new() { Value = record.Index });
                    command.Parameters.Add(new() { Value = record.Text });
                    command.Parameters.Add(new() { Value = record.ContentHash });
                    command.Parameters.Add(new() { Value = (object?)record.Context ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                    command.Parameters.Add(new() { Value = record.TokenCount });
                    command.Parameters.Add(new() { Value = ToJson(record.Metadata), NpgsqlDbType = NpgsqlDbType.Jsonb });
                    command.Parameters.Add(new() { Value = new Vector(record.Vector) });
                    batch.BatchCommands.Add(command);
                }

                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<EmbeddingModelIdentity?> ReadModelAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // A table created before fingerprints existed has no fingerprint column until EnsureModelAsync adds it.
        var select = new NpgsqlCommand("SELECT * FROM localai_rag_collections WHERE name = $1", connection);
        await using var selectScope = select.ConfigureAwait(false);
        select.Parameters.Add(new() { Value = _options.CollectionName });
        var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var model = new EmbeddingModelIdentity(reader.GetString(reader.GetOrdinal("model")), reader.GetInt32(reader.GetOrdinal("dimensions")));
        for (var i = 0; i < reader.FieldCount; i++)
        {
            if (reader.GetName(i) == "fingerprint" && !reader.IsDBNull(i))
            {
                return model with { Fingerprint = EmbeddingFingerprint.FromBytes(reader.GetFieldValue<byte[]>(i)) };
            }
        }

        return model;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, NpgsqlTransaction? transaction = null)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static VectorRecord ReadRecord(NpgsqlDataReader reader, bool withVector) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4),
            withVector ? reader.GetFieldValue<Vector>(8).Memory : ReadOnlyMemory<float>.Empty)
        {
            Context = reader.IsDBNull(5) ? null : reader.GetString(5),
            TokenCount = reader.GetInt32(6),
            Metadata = FromJson(reader.GetString(7)),
        };

    private static string ToJson(IReadOnlyDictionary<string, string> values)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in values)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static Dictionary<string, string> FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            values[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }

        return values;
    }

    private void ThrowIfMismatch(EmbeddingModelIdentity recorded, EmbeddingModelIdentity offered)
    {
        // Recorded and offered fingerprints decide when both exist; a collection recorded without one is checked by name and dimensions.
        EmbeddingFingerprint.ThrowIfIncompatible(recorded, offered, $"PostgreSQL collection '{_options.CollectionName}'");
    }

    /// <summary>Returns whether a collection name is a plain lower-case identifier the table name can be built from.</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> for lower-case letters, digits and underscores (at most 40), starting with a letter.</returns>
    internal static bool IsValidCollectionName(string? name) => name is not null && CollectionNamePattern().IsMatch(name);

    [GeneratedRegex("^[a-z][a-z0-9_]{0,39}$")]
    private static partial Regex CollectionNamePattern();
}
