using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalAI.Rag;

/// <summary>Indexes documents into a vector store (chunk, embed in batches with bounded concurrency, replace each document atomically) and searches them (vector, BM25 or hybrid).</summary>
public sealed class RagIndex
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly RagIndexOptions _options;
    private readonly ILogger _logger;
    private readonly RecursiveTextChunker _textChunker;
    private readonly MarkdownChunker _markdownChunker;
    private EmbeddingModelIdentity? _declared;
    private EmbeddingModelIdentity? _learned;
    private EmbeddingModelIdentity? _verified;
    private readonly Lock _fingerprintGate = new();
    private Task<EmbeddingFingerprint>? _fingerprint;

    /// <summary>Initializes a new instance of the <see cref="RagIndex"/> class.</summary>
    /// <param name="generator">The embedding generator (any backend; the LocalAI router by default).</param>
    /// <param name="store">The vector store.</param>
    /// <param name="tokenCounter">Counts tokens as the embedding model does; chunk sizes are measured with it.</param>
    /// <param name="options">Chunking and batching settings.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ArgumentException">The chunk size exceeds the embedding model's maximum input.</exception>
    /// <remarks>
    /// Nothing is embedded here. The embedding model's identity (name and dimensions) is taken from the generator's
    /// <see cref="EmbeddingGeneratorMetadata"/> when it declares both, else from the first embeddings it produces (a
    /// generator that loads its model on first use may not know its dimensions before); the store's model is checked
    /// against it before vectors are written or searched. The store also records the generator's
    /// <see cref="EmbeddingFingerprint"/> (its vectors of a few probe texts, measured once); a store that holds one accepts
    /// only generators whose probes agree with it, whatever their model is called.
    /// </remarks>
    public RagIndex(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IVectorStore store,
        ITokenCounter tokenCounter,
        RagIndexOptions? options = null,
        ILogger<RagIndex>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(tokenCounter);
        _generator = generator;
        Store = store;
        TokenCounter = tokenCounter;
        _options = options ?? new RagIndexOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.EmbeddingBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.WriteBatchSize, 1);

        var maxInput = _options.MaxInputTokens ?? generator.GetService<LocalModelInfo>()?.ContextLength;
        if (maxInput is { } max && _options.Chunking.ChunkSize > max)
        {
            throw new ArgumentException(
                $"Chunk size {_options.Chunking.ChunkSize} tokens exceeds the embedding model's maximum input of {max} tokens; chunks would be truncated silently. Set LocalAI:Rag:ChunkSize to {max} or less.",
                nameof(options));
        }

        MaxInputTokens = maxInput;
        _textChunker = new RecursiveTextChunker(tokenCounter, _options.Chunking);
        _markdownChunker = new MarkdownChunker(tokenCounter, _options.Chunking);
    }

    /// <summary>Gets the vector store.</summary>
    public IVectorStore Store { get; }

    /// <summary>Gets the token counter chunk sizes are measured with.</summary>
    public ITokenCounter TokenCounter { get; }

    /// <summary>Gets the embedding model's maximum input in tokens, when known.</summary>
    public int? MaxInputTokens { get; }

    /// <summary>Indexes one document, replacing its previous chunks as one unit.</summary>
    /// <param name="documentId">The document's identifier.</param>
    /// <param name="text">The text.</param>
    /// <param name="metadata">Metadata copied onto every chunk.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="EmbeddingModelMismatchException">The store holds vectors of another embedding model.</exception>
    public Task<IndexingResult> IndexDocumentAsync(string documentId, string text, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        ArgumentNullException.ThrowIfNull(text);
        return IndexDocumentsAsync([new RagDocument(documentId, text) { Metadata = metadata }], null, cancellationToken);
    }

    /// <summary>Indexes documents: chunks them, embeds new or changed chunks in batches with bounded concurrency, and replaces each document's chunks as one unit.</summary>
    /// <param name="documents">The documents (read lazily).</param>
    /// <param name="progress">Receives progress after each store write.</param>
    /// <param name="cancellationToken">Cancels the run; documents already written stay written.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="EmbeddingModelMismatchException">The store holds vectors of another embedding model.</exception>
    public async Task<IndexingResult> IndexDocumentsAsync(IEnumerable<RagDocument> documents, IProgress<IndexingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return await IndexCoreAsync(documents, documents.TryGetNonEnumeratedCount(out var count) ? count : 0, progress, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IndexingResult> IndexCoreAsync(IEnumerable<RagDocument> documents, int total, IProgress<IndexingProgress>? progress, CancellationToken cancellationToken)
    {
        var run = new IndexingRun(this, total, progress, cancellationToken);
        await run.ExecuteAsync(documents).ConfigureAwait(false);
        var result = run.ToResult();
        Log.Indexed(_logger, result.Documents, result.Chunks, result.ChunksEmbedded, result.ChunksReused, result.Elapsed);
        return result;
    }

    /// <summary>Indexes every readable file under a folder (by default <c>.txt</c> and <c>.md</c>); each document's id is its path relative to the folder, with <c>/</c> separators.</summary>
    /// <param name="folder">The folder, searched recursively.</param>
    /// <param name="progress">Receives progress after each store write.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public Task<IndexingResult> IndexFolderAsync(string folder, IProgress<IndexingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Folder '{folder}' does not exist; give the folder of documents to index.");
        }

        var root = Path.GetFullPath(folder);
        var extensions = new HashSet<string>(_options.FileExtensions, StringComparer.OrdinalIgnoreCase);
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => extensions.Contains(Path.GetExtension(f)))
            .Order(StringComparer.Ordinal)
            .ToList();
        return IndexCoreAsync(ReadFiles(root, files), files.Count, progress, cancellationToken);
    }

    /// <summary>Removes a document and its chunks.</summary>
    /// <param name="documentId">The document.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when it existed.</returns>
    public Task<bool> DeleteDocumentAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        return Store.DeleteDocumentAsync(documentId, cancellationToken);
    }

    /// <summary>Finds the chunks most relevant to a query.</summary>
    /// <param name="query">The query text.</param>
    /// <param name="options">Top-k, threshold, filter, mode.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The hits, best first: document id, chunk, score and metadata in each <see cref="VectorSearchHit.Record"/>.</returns>
    /// <exception cref="EmbeddingModelMismatchException">The query was embedded by another model than the store's.</exception>
    public async Task<IReadOnlyList<VectorSearchHit>> SearchAsync(string query, RagSearchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        options ??= new RagSearchOptions();
        VectorStoreInput.Top(options.Top, "options.Top");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.HybridCandidateFactor, 1, "options.HybridCandidateFactor");
        if (options.VectorWeight is < 0 or > 1 || double.IsNaN(options.VectorWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.VectorWeight, "RagSearchOptions.VectorWeight must be between 0 (BM25 only) and 1 (vectors only).");
        }

        if (options.Mode == RagSearchMode.Keyword)
        {
            return await Store.KeywordSearchAsync(query, new VectorSearchOptions { Top = options.Top, Filter = options.Filter }, cancellationToken).ConfigureAwait(false);
        }

        var recorded = await Store.GetModelAsync(cancellationToken).ConfigureAwait(false);
        if (recorded is null)
        {
            return [];
        }

        await ThrowIfAnotherModelAsync(recorded, "RAG search", cancellationToken).ConfigureAwait(false);
        var embeddings = await _generator.GenerateAsync([query], cancellationToken: cancellationToken).ConfigureAwait(false);
        var embedding = embeddings[0];
        var actual = IdentityOf(embedding);
        Learn(actual);
        if (recorded.Fingerprint is null ? !actual.Equals(recorded) : actual.Dimensions != recorded.Dimensions)
        {
            throw new EmbeddingModelMismatchException(recorded, actual, "RAG search");
        }

        if (options.Mode == RagSearchMode.Vector)
        {
            return await Store.SearchAsync(embedding.Vector, new VectorSearchOptions { Top = options.Top, MinScore = options.MinScore, Filter = options.Filter }, cancellationToken).ConfigureAwait(false);
        }

        // Both rankings from one snapshot of the store, so a concurrent re-index never mixes two versions of a document.
        var top = (int)Math.Min((long)options.Top * options.HybridCandidateFactor, VectorSearchOptions.MaxTop);
        var (vectorHits, keywordHits) = await Store.HybridSearchAsync(
            embedding.Vector,
            query,
            new VectorSearchOptions { Top = top, MinScore = options.MinScore, Filter = options.Filter },
            new VectorSearchOptions { Top = top, Filter = options.Filter },
            cancellationToken).ConfigureAwait(false);
        return ReciprocalRankFusion.Fuse(vectorHits, keywordHits, options.Fusion, options.VectorWeight, options.RrfK, options.Top);
    }

    internal IChunker ChunkerFor(RagDocument document) => document.IsMarkdown ? _markdownChunker : _textChunker;

    internal IEmbeddingGenerator<string, Embedding<float>> Generator => _generator;

    internal RagIndexOptions Options => _options;

    /// <summary>Gets the generator's model identity: as its metadata declares it, else as its first embeddings showed it; <see langword="null"/> before either.</summary>
    internal EmbeddingModelIdentity? KnownModel
    {
        get
        {
            if (Volatile.Read(ref _declared) is { } declared)
            {
                return declared;
            }

            if (EmbeddingModelIdentity.FromGenerator(_generator) is { } now)
            {
                Volatile.Write(ref _declared, now);
                return now;
            }

            return Volatile.Read(ref _learned);
        }
    }

    internal EmbeddingModelIdentity IdentityOf(Embedding<float> embedding)
    {
        var metadata = embedding.ModelId is null ? _generator.GetService<EmbeddingGeneratorMetadata>() : null;
        return new(embedding.ModelId ?? metadata?.DefaultModelId ?? metadata?.ProviderName ?? "unknown", embedding.Vector.Length);
    }

    /// <summary>Remembers the identity of the first embeddings the generator produced, for a generator whose metadata does not declare it.</summary>
    internal void Learn(EmbeddingModelIdentity identity) => Interlocked.CompareExchange(ref _learned, identity, null);

    /// <summary>
    /// Throws when the store's vectors are not comparable with the generator's. A store that recorded a fingerprint is checked
    /// against the generator's fingerprint (names do not matter, drift does); one recorded before fingerprints existed by
    /// name and dimensions, as far as they are known without embedding anything.
    /// </summary>
    internal async Task ThrowIfAnotherModelAsync(EmbeddingModelIdentity recorded, string context, CancellationToken cancellationToken)
    {
        if (recorded.Fingerprint is not null)
        {
            var fingerprint = await GetFingerprintAsync(cancellationToken).ConfigureAwait(false);
            var name = KnownModel?.Model ?? _generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? "unnamed";
            EmbeddingFingerprint.ThrowIfIncompatible(recorded, new EmbeddingModelIdentity(name, fingerprint.Dimensions) { Fingerprint = fingerprint }, context);
        }
        else if (KnownModel is { } known)
        {
            if (!known.Equals(recorded))
            {
                throw new EmbeddingModelMismatchException(recorded, known, context);
            }
        }
        else if (_generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId is { } name && !string.Equals(name, recorded.Model, StringComparison.OrdinalIgnoreCase))
        {
            throw new EmbeddingModelMismatchException($"{context}: expected embeddings of {recorded}, got embeddings of model '{name}'. Vectors of different models are never compared; re-index with one model.");
        }
    }

    /// <summary>Gets the generator's fingerprint, measured on first use and kept (a failed measurement is tried again next time).</summary>
    internal async Task<EmbeddingFingerprint> GetFingerprintAsync(CancellationToken cancellationToken)
    {
        Task<EmbeddingFingerprint> task;
        lock (_fingerprintGate)
        {
            // Started once for any number of concurrent callers (batches embed in parallel), outside the lock.
            task = _fingerprint ??= Task.Run(() => EmbeddingFingerprint.ComputeAsync(_generator, CancellationToken.None));
        }

        try
        {
            return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (task.IsFaulted || task.IsCanceled)
        {
            lock (_fingerprintGate)
            {
                if (_fingerprint == task)
                {
                    _fingerprint = null;
                }
            }

            throw;
        }
    }

    /// <summary>Returns whether anything is known of the generator's model without embedding: its identity, or at least its declared name.</summary>
    internal bool DeclaresModel => KnownModel is not null || _generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId is not null;

    /// <summary>Records the model in the store on first use, or checks it; once per identity.</summary>
    internal async Task VerifyModelAsync(EmbeddingModelIdentity model, CancellationToken cancellationToken)
    {
        if (model.Equals(Volatile.Read(ref _verified)))
        {
            return;
        }

        // The store records the fingerprint with the model when it is new, and checks it when it recorded one.
        var fingerprint = await GetFingerprintAsync(cancellationToken).ConfigureAwait(false);
        await Store.EnsureModelAsync(model with { Fingerprint = fingerprint }, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _verified, model);
    }

    private IEnumerable<RagDocument> ReadFiles(string root, List<string> files)
    {
        foreach (var file in files)
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (IOException ex)
            {
                Log.SkippedFile(_logger, file, ex.Message);
                continue;
            }
            catch (UnauthorizedAccessException ex)
            {
                Log.SkippedFile(_logger, file, ex.Message);
                continue;
            }

            if (text.Contains('\0', StringComparison.Ordinal))
            {
                Log.SkippedFile(_logger, file, "it holds NUL characters (a binary file?); neither store accepts them");
                continue;
            }

            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            var extension = Path.GetExtension(file).ToLowerInvariant();
            yield return new RagDocument(relative, text)
            {
                IsMarkdown = extension is ".md" or ".markdown",
                Metadata = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["source"] = relative,
                    ["extension"] = extension,
                },
            };
        }
    }
}
