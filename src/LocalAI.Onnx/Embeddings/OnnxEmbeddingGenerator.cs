using System.Diagnostics;
using LocalAI.Onnx.Diagnostics;
using LocalAI.Onnx.Embeddings;
using LocalAI.Onnx.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalAI.Onnx;

/// <summary>
/// Sentence embeddings in-process with ONNX Runtime from one sentence-transformers model folder: one shared
/// <c>InferenceSession</c>, length-sorted sub-batches each padded to its own longest text, masked pooling and L2
/// normalisation. Thread-safe; the model is loaded on first use (or by <see cref="LoadAsync"/>).
/// </summary>
/// <remarks>
/// <see cref="GeneratedEmbeddings{TEmbedding}.AdditionalProperties"/> carries <c>truncated_count</c> (texts cut to the
/// maximum length) and <c>max_sequence_length</c>; a truncated text's <see cref="Embedding"/> has <c>truncated</c> set
/// to <see langword="true"/> in its additional properties.
/// </remarks>
public sealed class OnnxEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The key of the number of truncated texts in <see cref="GeneratedEmbeddings{TEmbedding}.AdditionalProperties"/>.</summary>
    public const string TruncatedCountKey = "truncated_count";

    /// <summary>The key of the maximum number of tokens per text in <see cref="GeneratedEmbeddings{TEmbedding}.AdditionalProperties"/>.</summary>
    public const string MaxSequenceLengthKey = "max_sequence_length";

    /// <summary>The key, in a truncated text's <see cref="Embedding.AdditionalProperties"/>, that marks it truncated.</summary>
    public const string TruncatedKey = "truncated";

    private readonly OnnxEmbeddingOptions _options;
    private readonly ILogger _logger;
    private readonly Func<CancellationToken, Task>? _ensureFiles;
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private readonly TimeProvider _timeProvider;
    private volatile SentenceEncoder? _encoder;
    private EmbeddingGeneratorMetadata? _metadata;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="OnnxEmbeddingGenerator"/> class for the model folder <see cref="OnnxEmbeddingOptions.ModelPath"/>.</summary>
    /// <param name="options">The options; <see cref="OnnxEmbeddingOptions.ModelPath"/> is required.</param>
    /// <param name="logger">The logger, if any.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><see cref="OnnxEmbeddingOptions.ModelPath"/> is not set or the options are not valid.</exception>
    public OnnxEmbeddingGenerator(OnnxEmbeddingOptions options, ILogger? logger = null)
        : this(RequireModelPath(options), options.ModelId, options, logger ?? NullLogger.Instance, null, TimeProvider.System)
    {
    }

    internal OnnxEmbeddingGenerator(string directory, string? modelId, OnnxEmbeddingOptions options, ILogger logger, Func<CancellationToken, Task>? ensureFiles, TimeProvider timeProvider)
    {
        OnnxEmbeddingOptionsValidator.ThrowIfInvalid(options);
        Directory = directory;
        ModelId = modelId ?? ModelFolder.GetModelId(directory);
        _options = options;
        _logger = logger;
        _ensureFiles = ensureFiles;
        _timeProvider = timeProvider;
    }

    /// <summary>Gets the model name: the embedding model identity this generator declares.</summary>
    public string ModelId { get; }

    /// <summary>Gets the model folder.</summary>
    public string Directory { get; }

    /// <summary>Gets a value indicating whether the model is loaded.</summary>
    public bool IsLoaded => _encoder is not null;

    /// <summary>Gets the loaded encoder, for benchmarks and tests.</summary>
    internal SentenceEncoder? Encoder => _encoder;

    /// <summary>Loads the model now (downloading it first when it is missing and a download address is configured), so that problems show before the first request.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the model is loaded.</returns>
    /// <exception cref="InvalidModelFileException">A file is missing or cannot be used; the message says which and what to do.</exception>
    public async Task LoadAsync(CancellationToken cancellationToken = default) =>
        _ = await GetEncoderAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty or holds <see langword="null"/>, or <paramref name="options"/> asks for another model or size.</exception>
    /// <exception cref="InvalidModelFileException">The model folder cannot be used.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        IReadOnlyList<string> texts = values as IReadOnlyList<string> ?? [.. values];
        if (texts.Count == 0)
        {
            throw new ArgumentException($"The batch is empty: pass at least one text to embed with model '{ModelId}'.", nameof(values));
        }

        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentException($"Text {i} of the batch is null; pass an empty string to embed nothing.", nameof(values));
            }
        }

        if (options?.ModelId is { } wanted && !string.Equals(wanted, ModelId, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"This generator serves model '{ModelId}', not '{wanted}'. Ask the backend for a generator of that model (GetEmbeddingGenerator(\"{wanted}\")).", nameof(options));
        }

        var encoder = await GetEncoderAsync(cancellationToken).ConfigureAwait(false);
        if (options?.Dimensions is { } dimensions && dimensions != encoder.Dimensions)
        {
            throw new ArgumentException($"Model '{ModelId}' gives {encoder.Dimensions} dimensions; it cannot give {dimensions}.", nameof(options));
        }

        var tokenized = encoder.Tokenize(texts);
        var vectors = encoder.Embed(tokenized, sortByLength: true, cancellationToken);
        var created = _timeProvider.GetUtcNow();
        var embeddings = new List<Embedding<float>>(vectors.Length);
        long tokens = 0;
        for (var i = 0; i < vectors.Length; i++)
        {
            tokens += tokenized.Ids[i].Length;
            var embedding = new Embedding<float>(vectors[i]) { ModelId = ModelId, CreatedAt = created };
            if (tokenized.Truncated[i])
            {
                embedding.AdditionalProperties = new() { [TruncatedKey] = true };
            }

            embeddings.Add(embedding);
        }

        if (tokenized.TruncatedCount > 0)
        {
            Log.Truncated(_logger, ModelId, tokenized.TruncatedCount, texts.Count, encoder.Config.MaxSequenceLength);
        }

        return new GeneratedEmbeddings<Embedding<float>>(embeddings)
        {
            Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens },
            AdditionalProperties = new()
            {
                [TruncatedCountKey] = tokenized.TruncatedCount,
                [MaxSequenceLengthKey] = encoder.Config.MaxSequenceLength,
            },
        };
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return _metadata ??= CreateMetadata();
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _encoder?.Dispose();
        _encoder = null;
        _loadGate.Dispose();
    }

    private EmbeddingGeneratorMetadata CreateMetadata()
    {
        // The declared size comes from the folder's configuration without loading the model; only a folder that
        // declares none is loaded to find out.
        var dimensions = _encoder?.Dimensions ?? SentenceEncoderConfigReader.ReadSummary(Directory).Dimensions;
        if (dimensions is null)
        {
            try
            {
                dimensions = GetEncoderAsync(CancellationToken.None).GetAwaiter().GetResult().Dimensions;
            }
            catch (LocalAIException ex)
            {
                Log.LoadFailed(_logger, ModelId, ex.Message);
            }
        }

        return new EmbeddingGeneratorMetadata(OnnxBackend.BackendId, new Uri(Path.GetFullPath(Directory)), ModelId, dimensions);
    }

    private async ValueTask<SentenceEncoder> GetEncoderAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_encoder is { } loaded)
        {
            return loaded;
        }

        await _loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_encoder is { } raced)
            {
                return raced;
            }

            if (_ensureFiles is not null)
            {
                await _ensureFiles(cancellationToken).ConfigureAwait(false);
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                var config = SentenceEncoderConfigReader.Read(Directory, ModelId, _options);
                var encoder = SentenceEncoder.Load(config, _options);
                Log.ModelLoaded(_logger, ModelId, config.OnnxPath, encoder.Dimensions, config.Pooling, config.Normalize, config.MaxSequenceLength, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                _metadata = null;
                return _encoder = encoder;
            }
            catch (InvalidModelFileException ex)
            {
                Log.LoadFailed(_logger, ModelId, ex.Message);
                throw;
            }
        }
        finally
        {
            _loadGate.Release();
        }
    }

    private static string RequireModelPath(OnnxEmbeddingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ModelPath is { Length: > 0 } path
            ? path
            : throw new ArgumentException("OnnxEmbeddingOptions.ModelPath is not set: name the folder of a sentence-transformers model exported to ONNX.", nameof(options));
    }
}
