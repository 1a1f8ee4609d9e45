using System.Collections.Immutable;
using System.Numerics.Tensors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalAI.Rag;

/// <summary>
/// The embedded vector store: one file, no server. Exact cosine search with SIMD (optionally an int8 first pass),
/// crash-safe writes through an append-only log with checksums that is replayed on open, many concurrent readers and
/// one writer, enforced by an OS lock beside the file. Damage in the middle of the file is refused, never truncated;
/// <see cref="RepairAsync"/> keeps every intact record.
/// </summary>
public sealed partial class FileVectorStore : IVectorStore
{
    private readonly FileVectorStoreOptions _options;
    private readonly ILogger _logger;
    private const int MaxKeptFrameBuffer = 16 << 20;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    // Reused by every commit, under the write lock.
    private MemoryStream _frameBuffer = new();
    private volatile StoreSnapshot? _snapshot;
    private FileStream? _file;
    private StoreWriterLock? _writerLock;
    private StoreLogScan? _scan;
    private bool _repairing;
    private long _liveBytes;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="FileVectorStore"/> class; the file is opened (and replayed) on first use.</summary>
    /// <param name="options">The file and search settings.</param>
    /// <param name="logger">The logger.</param>
    public FileVectorStore(FileVectorStoreOptions options, ILogger<FileVectorStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RescoreFactor, 1);
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the full path of the store file.</summary>
    public string FilePath => Path.GetFullPath(_options.Path);

    /// <summary>Opens a store and replays its file.</summary>
    /// <param name="options">The file and search settings.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The open store.</returns>
    public static async Task<FileVectorStore> OpenAsync(FileVectorStoreOptions options, ILogger<FileVectorStore>? logger = null, CancellationToken cancellationToken = default)
    {
        var store = new FileVectorStore(options, logger);
        await store.GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    /// <inheritdoc/>
    public async Task<EmbeddingModelIdentity?> GetModelAsync(CancellationToken cancellationToken = default) =>
        (await GetSnapshotAsync(cancellationToken).ConfigureAwait(false)).Model;

    /// <inheritdoc/>
    public async Task EnsureModelAsync(EmbeddingModelIdentity model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var snapshot = await GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
        if (snapshot.Model is not null)
        {
            ThrowIfMismatch(snapshot.Model, model);
            return;
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            snapshot = _snapshot!;
            if (snapshot.Model is not null)
            {
                ThrowIfMismatch(snapshot.Model, model);
                return;
            }

            await AppendAsync(StoreFileFormat.ModelPayload(model), cancellationToken).ConfigureAwait(false);
            _snapshot = new StoreSnapshot(model, snapshot.Documents, snapshot.ChunkCount, _options.UseInt8);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<VectorRecord>> GetDocumentAsync(string documentId, CancellationToken cancellationToken = default)
    {
        VectorStoreInput.DocumentId(documentId, nameof(documentId));
        var snapshot = await GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
        return snapshot.Documents.TryGetValue(documentId, out var document) ? document.Records : [];
    }

    /// <inheritdoc/>
    public async Task ReplaceDocumentsAsync(IReadOnlyList<DocumentRecords> documents, CancellationToken cancellationToken = default)
    {
        VectorStoreInput.Documents(documents);
        if (documents.Count == 0)
        {
            return;
        }

        await GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var snapshot = _snapshot!;
            var model = snapshot.Model ?? throw new InvalidOperationException("The store has no embedding model recorded yet; call EnsureModelAsync before adding vectors.");
            var normalized = new List<DocumentRecords>(documents.Count);
            foreach (var document in documents)
            {
                ArgumentNullException.ThrowIfNull(document);
                normalized.Add(new DocumentRecords(document.DocumentId, [.. document.Records.Select(r => Normalize(r, model))]));
            }

            await AppendFrameAsync(StoreFileFormat.ReplaceFrame(_frameBuffer, normalized), cancellationToken).ConfigureAwait(false);
            if (_frameBuffer.Capacity > MaxKeptFrameBuffer)
            {
                _frameBuffer = new MemoryStream();
            }

            var builder = snapshot.Documents.ToBuilder();
            var chunks = snapshot.ChunkCount;
            foreach (var document in normalized)
            {
                if (builder.TryGetValue(document.DocumentId, out var old))
                {
                    chunks -= old.Records.Count;
                    _liveBytes -= EstimateBytes(old, model.Dimensions);
                }

                _liveBytes += EstimateBytes(document, model.Dimensions);

                if (document.Records.Count == 0)
                {
                    builder.Remove(document.DocumentId);
                }
                else
                {
                    builder[document.DocumentId] = document;
                    chunks += document.Records.Count;
                }
            }

            _snapshot = new StoreSnapshot(model, builder.ToImmutable(), chunks, _options.UseInt8);
            await CompactIfWorthAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteDocumentAsync(string documentId, CancellationToken cancellationToken = default)
    {
        VectorStoreInput.DocumentId(documentId, nameof(documentId));
        await GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var snapshot = _snapshot!;
            if (!snapshot.Documents.TryGetValue(documentId, out var old))
            {
                return false;
            }

            await AppendAsync(StoreFileFormat.DeletePayload(documentId), cancellationToken).ConfigureAwait(false);
            _liveBytes -= EstimateBytes(old, snapshot.Model?.Dimensions ?? 0);
            _snapshot = new StoreSnapshot(snapshot.Model, snapshot.Documents.Remove(documentId), snapshot.ChunkCount - old.Records.Count, _options.UseInt8);
            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<VectorSearchHit>> SearchAsync(ReadOnlyMemory<float> query, VectorSearchOptions options, CancellationToken cancellationToken = default)
    {
        VectorStoreInput.Options(options);
        VectorStoreInput.Query(query.Span);
        return VectorSearch(await GetSnapshotAsync(cancellationToken).ConfigureAwait(false), query, options);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<VectorSearchHit>> KeywordSearchAsync(string query, VectorSearchOptions options, CancellationToken cancellationToken = default)
    {
        VectorStoreInput.KeywordQuery(query);
        VectorStoreInput.Options(options);
        return KeywordSearch(await GetSnapshotAsync(cancellationToken).ConfigureAwait(false), query, options);
    }

    /// <inheritdoc/>
    /// <remarks>Both rankings read one snapshot, so a concurrent re-index shows in both or in neither.</remarks>
    public async Task<HybridSearchHits> HybridSearchAsync(ReadOnlyMemory<float> query, string text, VectorSearchOptions vectorOptions, VectorSearchOptions keywordOptions, CancellationToken cancellationToken = default)
    {
        VectorStoreInput.Options(vectorOptions);
        VectorStoreInput.Options(keywordOptions);
        VectorStoreInput.Query(query.Span);
        VectorStoreInput.KeywordQuery(text);
        var snapshot = await GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
        return new HybridSearchHits(VectorSearch(snapshot, query, vectorOptions), KeywordSearch(snapshot, text, keywordOptions));
    }

    private IReadOnlyList<VectorSearchHit> VectorSearch(StoreSnapshot snapshot, ReadOnlyMemory<float> query, VectorSearchOptions options)
    {
        if (snapshot.Model is not null && query.Length != snapshot.Model.Dimensions)
        {
            throw new EmbeddingModelMismatchException(snapshot.Model, snapshot.Model with { Dimensions = query.Length }, $"RAG store '{_options.Path}'");
        }

        if (snapshot.Model is null || snapshot.ChunkCount == 0)
        {
            return [];
        }

        var index = snapshot.Index;
        var unit = new float[query.Length];
        Normalize(query.Span, unit);
        var candidates = Candidates(index, options.Filter);
        if (candidates is { Length: 0 })
        {
            return [];
        }

        var found = _options.UseInt8 && !options.Exact
            ? index.SearchInt8(unit, options.Top, _options.RescoreFactor, candidates)
            : index.SearchExact(unit, options.Top, candidates);
        return [.. found
            .Where(h => options.MinScore is not { } min || h.Score >= min)
            .Select(h => new VectorSearchHit(index.Rows[h.Row], h.Score))];
    }

    private static IReadOnlyList<VectorSearchHit> KeywordSearch(StoreSnapshot snapshot, string query, VectorSearchOptions options)
    {
        if (snapshot.ChunkCount == 0)
        {
            return [];
        }

        var index = snapshot.Index;
        var filter = options.Filter;
        Func<int, bool>? include = filter is null ? null : row => filter.Matches(index.Rows[row].Metadata);
        return [.. snapshot.Keywords.Search(query, include, options.Top)
            .Where(h => options.MinScore is not { } min || h.Score >= min)
            .Select(h => new VectorSearchHit(index.Rows[h.Row], h.Score))];
    }

    /// <inheritdoc/>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default) =>
        (await GetSnapshotAsync(cancellationToken).ConfigureAwait(false)).ChunkCount;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_file is not null)
            {
                await _file.DisposeAsync().ConfigureAwait(false);
                _file = null;
            }

            _writerLock?.Dispose();
            _writerLock = null;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    internal async Task<StoreSnapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (snapshot is not null)
        {
            return snapshot;
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _snapshot ??= Open();
            return _snapshot;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private StoreSnapshot Open()
    {
        var path = FilePath;
        FileStream file;
        if (_options.ReadOnly)
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"RAG store '{path}' does not exist; a read-only open never creates one.", path);
            }

            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            _writerLock = StoreWriterLock.Acquire(path);
            DeleteLeftover(path + ".compact"); // a compaction that never reached its rename
            DeleteLeftover(path + ".repair");
            try
            {
                file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
            }
            catch
            {
                _writerLock.Dispose();
                _writerLock = null;
                throw;
            }
        }

        try
        {
            EmbeddingModelIdentity? model = null;
            var documents = ImmutableDictionary.CreateBuilder<string, DocumentRecords>(StringComparer.Ordinal);
            var scan = StoreFileFormat.Replay(file, reader =>
            {
                switch (reader.ReadByte())
                {
                    case StoreFileFormat.OpModel:
                        model = StoreFileFormat.ReadModel(reader);
                        break;
                    case StoreFileFormat.OpReplace:
                        var count = reader.ReadInt32();
                        for (var i = 0; i < count; i++)
                        {
                            var document = StoreFileFormat.ReadDocument(reader);
                            if (document.Records.Count == 0)
                            {
                                documents.Remove(document.DocumentId);
                            }
                            else
                            {
                                documents[document.DocumentId] = document;
                            }
                        }

                        break;
                    case StoreFileFormat.OpDelete:
                        documents.Remove(reader.ReadString());
                        break;
                    default:
                        throw new InvalidVectorStoreFileException(path, "it holds a record this version does not know; open it with the version that wrote it");
                }
            });

            if (scan.Damage.Count > 0)
            {
                var first = scan.Damage[0];
                if (!_options.ReadOnly && !_repairing)
                {
                    throw new InvalidVectorStoreFileException(
                        $"RAG store '{path}' is damaged: the record at offset {first.Offset} fails its checksum ({scan.Damage.Count} damaged range(s), {first.Length} bytes first) and {scan.RecordsAfterDamage} valid record(s) follow it, so this is not an incomplete last write. Nothing was truncated or changed. Run FileVectorStore.RepairAsync to keep every intact record, restore a backup, or open with ReadOnly = true to read the intact records.")
                    {
                        FilePath = path,
                        Offset = first.Offset,
                        ValidRecordsAfter = scan.RecordsAfterDamage,
                    };
                }

                Log.DamageFound(_logger, path, first.Offset, scan.RecordsAfterDamage);
            }

            if (_options.ReadOnly || _repairing)
            {
                // Left exactly as found.
            }
            else if (scan.End == 0)
            {
                file.SetLength(0);
                file.Write(StoreFileFormat.Magic);
                file.Flush(flushToDisk: true);
            }
            else if (scan.TornTailBytes > 0)
            {
                Log.TornTail(_logger, path, scan.TornTailBytes);
                file.SetLength(scan.End);
                file.Flush(flushToDisk: true);
            }

            file.Seek(0, SeekOrigin.End);
            _file = file;
            _scan = scan;
            var chunks = documents.Values.Sum(d => (long)d.Records.Count);
            var snapshot = new StoreSnapshot(model, documents.ToImmutable(), chunks, _options.UseInt8);
            _liveBytes = EstimateLiveBytes(snapshot);
            Log.StoreOpened(_logger, path, snapshot.Documents.Count, chunks);
            return snapshot;
        }
        catch
        {
            file.Dispose();
            _writerLock?.Dispose();
            _writerLock = null;
            throw;
        }
    }

    private static void DeleteLeftover(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private Task AppendAsync(byte[] payload, CancellationToken cancellationToken) =>
        AppendFrameAsync(StoreFileFormat.Frame(payload), cancellationToken);

    private async Task AppendFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_options.ReadOnly)
        {
            throw new InvalidOperationException($"RAG store '{_options.Path}' was opened read-only (FileVectorStoreOptions.ReadOnly); open it without ReadOnly to write.");
        }

        var file = _file!;
        var start = file.Position;
        try
        {
            await file.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: _options.FlushToDisk);
        }
        catch
        {
            // Undo a partial append so the next record starts at a good offset (replay would drop it anyway).
            file.SetLength(start);
            file.Seek(start, SeekOrigin.Begin);
            throw;
        }
    }

    private async Task CompactIfWorthAsync(CancellationToken cancellationToken)
    {
        var file = _file!;
        var before = file.Length;
        if (before < _options.CompactionMinimumBytes || before < 2 * _liveBytes)
        {
            return;
        }

        var snapshot = _snapshot!;
        await RewriteAsync(snapshot.Model, snapshot, ".compact", cancellationToken).ConfigureAwait(false);
        Log.Compacted(_logger, FilePath, before, _file!.Length);
    }

    /// <summary>
    /// Writes <paramref name="model"/> and the documents of <paramref name="snapshot"/> to a new file beside the store,
    /// forces it to disk, renames it over the store (atomic: a crash leaves the old file or the new one), forces the
    /// directory entry to disk and reopens the store file for appending.
    /// </summary>
    private async Task RewriteAsync(EmbeddingModelIdentity? model, StoreSnapshot snapshot, string suffix, CancellationToken cancellationToken)
    {
        var path = FilePath;
        var temp = path + suffix;
        var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        await using (output.ConfigureAwait(false))
        {
            await output.WriteAsync(StoreFileFormat.Magic.ToArray(), cancellationToken).ConfigureAwait(false);
            if (model is not null)
            {
                await output.WriteAsync(StoreFileFormat.Frame(StoreFileFormat.ModelPayload(model)), cancellationToken).ConfigureAwait(false);
            }

            var buffer = new MemoryStream();
            foreach (var group in snapshot.Documents.Values.Chunk(256))
            {
                await output.WriteAsync(StoreFileFormat.ReplaceFrame(buffer, group), cancellationToken).ConfigureAwait(false);
            }

            output.Flush(flushToDisk: true);
        }

        await _file!.DisposeAsync().ConfigureAwait(false);
        _file = null;
        File.Move(temp, path, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(path)!);
        _file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        _file.Seek(0, SeekOrigin.End);
    }

    private static long EstimateLiveBytes(StoreSnapshot snapshot)
    {
        var dims = snapshot.Model?.Dimensions ?? 0;
        long bytes = 0;
        foreach (var document in snapshot.Documents.Values)
        {
            bytes += EstimateBytes(document, dims);
        }

        return bytes;
    }

    private static long EstimateBytes(DocumentRecords document, int dimensions)
    {
        long bytes = 0;
        foreach (var record in document.Records)
        {
            bytes += 64 + (dimensions * 4L) + (2L * (record.Text.Length + record.Id.Length + (record.Context?.Length ?? 0)));
        }

        return bytes;
    }

    private static int[]? Candidates(FlatIndex index, MetadataFilter? filter)
    {
        if (filter is null || filter.Conditions.Count == 0)
        {
            return null;
        }

        var rows = new List<int>();
        for (var i = 0; i < index.Rows.Length; i++)
        {
            if (filter.Matches(index.Rows[i].Metadata))
            {
                rows.Add(i);
            }
        }

        return [.. rows];
    }

    private VectorRecord Normalize(VectorRecord record, EmbeddingModelIdentity model)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Vector.Length != model.Dimensions)
        {
            throw new EmbeddingModelMismatchException(model, model with { Dimensions = record.Vector.Length }, $"RAG store '{_options.Path}'");
        }

        var unit = new float[record.Vector.Length];
        Normalize(record.Vector.Span, unit);
        return record with { Vector = unit };
    }

    private static void Normalize(ReadOnlySpan<float> vector, Span<float> output)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, output);
        }
        else
        {
            vector.CopyTo(output);
        }
    }

    private void ThrowIfMismatch(EmbeddingModelIdentity recorded, EmbeddingModelIdentity offered)
    {
        // Recorded and offered fingerprints decide when both exist; a collection recorded without one is checked by name and dimensions.
        EmbeddingFingerprint.ThrowIfIncompatible(recorded, offered, $"RAG store '{_options.Path}'");
    }
}
