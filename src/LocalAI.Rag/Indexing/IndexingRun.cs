using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace LocalAI.Rag;

/// <summary>One run of the indexing pipeline: chunk on the caller's thread, embed batches concurrently (bounded), commit finished documents in groups from one writer.</summary>
internal sealed class IndexingRun
{
    private const int ChunkingWindow = 64;
    private readonly RagIndex _index;
    private readonly int _total;
    private readonly IProgress<IndexingProgress>? _progress;
    private readonly CancellationTokenSource _cts;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Channel<DocumentRecords> _finished;
    private readonly SemaphoreSlim _slots;
    private readonly List<Task> _embeddings = [];
    private List<(PendingDocument Document, int Chunk)> _batch = [];
    private int _documents;
    private long _chunks;
    private long _embedded;
    private long _reused;
    private long _tokens;
    private Exception? _failure;

    public IndexingRun(RagIndex index, int total, IProgress<IndexingProgress>? progress, CancellationToken cancellationToken)
    {
        _index = index;
        _total = total;
        _progress = progress;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _finished = Channel.CreateBounded<DocumentRecords>(new BoundedChannelOptions(index.Options.WriteBatchSize * 2) { SingleReader = true });
        _slots = new SemaphoreSlim(index.Options.MaxConcurrency);
    }

    public async Task ExecuteAsync(IEnumerable<RagDocument> documents)
    {
        var token = _cts.Token;
        if (await _index.Store.GetModelAsync(token).ConfigureAwait(false) is { } recorded && (recorded.Fingerprint is not null || _index.DeclaresModel))
        {
            await _index.ThrowIfAnotherModelAsync(recorded, "RAG indexing", token).ConfigureAwait(false);
        }

        var writer = Task.Run(WriteLoopAsync, token);
        try
        {
            // Chunking (tokenizer passes) is the costliest CPU step: windows of documents are chunked in parallel.
            var parallel = new ParallelOptions { CancellationToken = token, MaxDegreeOfParallelism = Environment.ProcessorCount };
            foreach (var window in documents.Chunk(ChunkingWindow))
            {
                foreach (var document in window)
                {
                    ArgumentNullException.ThrowIfNull(document);
                    ArgumentException.ThrowIfNullOrEmpty(document.Id);
                    VectorStoreInput.DocumentId(document.Id, nameof(documents));
                }

                var chunked = new IReadOnlyList<TextChunk>[window.Length];
                Parallel.For(0, window.Length, parallel, i => chunked[i] = _index.ChunkerFor(window[i]).Chunk(window[i].Id, window[i].Text ?? string.Empty));
                for (var i = 0; i < window.Length; i++)
                {
                    token.ThrowIfCancellationRequested();
                    await AddDocumentAsync(window[i], chunked[i], token).ConfigureAwait(false);
                }
            }

            if (_batch.Count > 0)
            {
                await DispatchAsync(token).ConfigureAwait(false);
            }

            await Task.WhenAll(_embeddings).ConfigureAwait(false);
            _finished.Writer.TryComplete();
            await writer.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await FailAsync(ex).ConfigureAwait(false);
            try
            {
                await Task.WhenAll(_embeddings.Append(writer)).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The first failure is the one reported.
            }

            ExceptionDispatchInfo.Throw(Volatile.Read(ref _failure)!);
            throw;
        }
    }

    /// <summary>Records the first failure and stops every stage: the embedders and the writer wait on each other otherwise.</summary>
    private async Task FailAsync(Exception exception)
    {
        Interlocked.CompareExchange(ref _failure, exception, null);
        await _cts.CancelAsync().ConfigureAwait(false);
        _finished.Writer.TryComplete(exception);
    }

    public IndexingResult ToResult() => new(_documents, _chunks, _embedded, _reused, _tokens, _clock.Elapsed);

    private async Task AddDocumentAsync(RagDocument document, IReadOnlyList<TextChunk> chunks, CancellationToken token)
    {
        if (_index.MaxInputTokens is { } max && chunks.FirstOrDefault(c => c.TokenCount > max) is { } tooLong)
        {
            throw new InvalidOperationException($"Chunk {tooLong.Id} has {tooLong.TokenCount} tokens, over the embedding model's maximum input of {max}; lower LocalAI:Rag:ChunkSize.");
        }

        var existing = await _index.Store.GetDocumentAsync(document.Id, token).ConfigureAwait(false);
        var byHash = new Dictionary<string, ReadOnlyMemory<float>>(StringComparer.Ordinal);
        foreach (var record in existing)
        {
            byHash.TryAdd(record.ContentHash, record.Vector);
        }

        var pending = new PendingDocument(document, chunks);
        for (var i = 0; i < chunks.Count; i++)
        {
            if (byHash.TryGetValue(chunks[i].ContentHash, out var vector) && !vector.IsEmpty)
            {
                pending.Vectors[i] = vector;
                Interlocked.Increment(ref _reused);
            }
            else
            {
                pending.Remaining++;
                _batch.Add((pending, i));
            }
        }

        if (pending.Remaining == 0)
        {
            await _finished.Writer.WriteAsync(pending.ToRecords(), token).ConfigureAwait(false);
        }

        while (_batch.Count >= _index.Options.EmbeddingBatchSize)
        {
            await DispatchAsync(token).ConfigureAwait(false);
        }
    }

    private async Task DispatchAsync(CancellationToken token)
    {
        var size = Math.Min(_batch.Count, _index.Options.EmbeddingBatchSize);
        var batch = _batch.GetRange(0, size);
        _batch = _batch.GetRange(size, _batch.Count - size);
        await _slots.WaitAsync(token).ConfigureAwait(false);
        _embeddings.Add(Task.Run(
            async () =>
            {
                try
                {
                    await EmbedAsync(batch, token).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    await FailAsync(ex).ConfigureAwait(false);
                    throw;
                }
                finally
                {
                    _slots.Release();
                }
            },
            token));
        _embeddings.RemoveAll(t => t.IsCompletedSuccessfully);
        if (_embeddings.FirstOrDefault(t => t.IsFaulted || t.IsCanceled) is { } failed)
        {
            await failed.ConfigureAwait(false);
        }
    }

    private async Task EmbedAsync(List<(PendingDocument Document, int Chunk)> batch, CancellationToken token)
    {
        var texts = batch.Select(b => b.Document.Chunks[b.Chunk].EmbeddingText).ToList();
        var embeddings = await _index.Generator.GenerateAsync(texts, cancellationToken: token).ConfigureAwait(false);
        if (embeddings.Count != texts.Count)
        {
            throw new BackendProtocolException($"The embedding generator returned {embeddings.Count} vectors for {texts.Count} inputs.");
        }

        var identity = _index.IdentityOf(embeddings[0]);
        foreach (var embedding in embeddings)
        {
            var other = _index.IdentityOf(embedding);
            if (!other.Equals(identity))
            {
                throw new EmbeddingModelMismatchException(identity, other, "RAG indexing (one batch)");
            }
        }

        _index.Learn(identity);
        await _index.VerifyModelAsync(identity, token).ConfigureAwait(false);
        Interlocked.Add(ref _embedded, texts.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var (document, chunk) = batch[i];
            document.Vectors[chunk] = embeddings[i].Vector;
            if (Interlocked.Decrement(ref document.Remaining) == 0)
            {
                await _finished.Writer.WriteAsync(document.ToRecords(), token).ConfigureAwait(false);
            }
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await WriteAllAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await FailAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    private async Task WriteAllAsync()
    {
        var token = _cts.Token;
        var reader = _finished.Reader;
        var group = new List<DocumentRecords>();
        while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
        {
            group.Clear();
            while (group.Count < _index.Options.WriteBatchSize && reader.TryRead(out var document))
            {
                group.Add(document);
            }

            if (group.Any(d => d.Records.Count > 0))
            {
                // Documents whose chunks were all reused still need the model recorded before the first write.
                if (_index.KnownModel is { } known)
                {
                    await _index.VerifyModelAsync(known, token).ConfigureAwait(false);
                }
                else if (await _index.Store.GetModelAsync(token).ConfigureAwait(false) is null)
                {
                    var first = group.First(d => d.Records.Count > 0).Records[0];
                    throw new InvalidOperationException($"Document '{first.DocumentId}' has no embedding model recorded; the generator declares none.");
                }
            }

            await _index.Store.ReplaceDocumentsAsync(group, token).ConfigureAwait(false);
            _documents += group.Count;
            foreach (var document in group)
            {
                _chunks += document.Records.Count;
                foreach (var record in document.Records)
                {
                    _tokens += record.TokenCount;
                }
            }

            _progress?.Report(new IndexingProgress(_total, _documents, _chunks, Interlocked.Read(ref _embedded), _tokens, _clock.Elapsed));
        }
    }

    private sealed class PendingDocument(RagDocument document, IReadOnlyList<TextChunk> chunks)
    {
        public int Remaining;

        public RagDocument Document { get; } = document;

        public IReadOnlyList<TextChunk> Chunks { get; } = chunks;

        public ReadOnlyMemory<float>[] Vectors { get; } = new ReadOnlyMemory<float>[chunks.Count];

        public DocumentRecords ToRecords()
        {
            var metadata = Document.Metadata ?? VectorRecord.EmptyMetadata;
            var records = new VectorRecord[Chunks.Count];
            for (var i = 0; i < records.Length; i++)
            {
                var chunk = Chunks[i];
                records[i] = new VectorRecord(chunk.Id, Document.Id, chunk.Index, chunk.Text, chunk.ContentHash, Vectors[i])
                {
                    Context = chunk.Context,
                    TokenCount = chunk.TokenCount,
                    Metadata = metadata,
                };
            }

            return new DocumentRecords(Document.Id, records);
        }
    }
}
