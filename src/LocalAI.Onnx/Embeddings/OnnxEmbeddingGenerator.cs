using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalAI.Onnx;

/// <summary>
/// Sentence embeddings in-process with ONNX Runtime from one sentence-transformers model folder: one shared
/// <c>InferenceSession</c>, length-sorted sub-batches each padded to its own longest text, masked pooling and L2
/// normalisation. Thread-safe; creating it reads nothing: the model is loaded on the first call (or by <see cref="LoadAsync"/>),
/// once for concurrent callers, and a failed load is tried again on the next call.
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

    private readonly OnnxBackendOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly string _providerName;
    private readonly Func<CancellationToken, Task<string>> _locate;
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private volatile SentenceEncoder? _encoder;
    private volatile string? _modelId;
    private volatile string? _directory;
    private EmbeddingGeneratorMetadata? _metadata;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="OnnxEmbeddingGenerator"/> class for the model folder <see cref="OnnxBackendOptions.ModelPath"/>; nothing is read until the first call.</summary>
    /// <param name="options">The options; <see cref="OnnxBackendOptions.ModelPath"/> is required.</param>
    /// <param name="loggerFactory">Creates the logger; <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock for the embeddings' creation time; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><see cref="OnnxBackendOptions.ModelPath"/> is not set or the options are not valid.</exception>
    public OnnxEmbeddingGenerator(OnnxBackendOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(
            OnnxBackend.DefaultId,
            RequireModelPath(options),
            options.ModelId,
            null,
            options,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<OnnxEmbeddingGenerator>(),
            timeProvider ?? TimeProvider.System)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OnnxEmbeddingGenerator"/> class for a backend's model.</summary>
    /// <param name="providerName">The backend id, declared as the provider.</param>
    /// <param name="directory">The model folder, or <see langword="null"/> when only <paramref name="locate"/> can find it.</param>
    /// <param name="modelId">The model name, or <see langword="null"/> for the folder's name.</param>
    /// <param name="locate">Finds the model folder (downloading it first where configured) on the first call; <see langword="null"/> for <paramref name="directory"/> as it is.</param>
    /// <param name="options">The options.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock.</param>
    internal OnnxEmbeddingGenerator(string providerName, string? directory, string? modelId, Func<CancellationToken, Task<string>>? locate, OnnxBackendOptions options, ILogger logger, TimeProvider timeProvider)
    {
        OnnxBackendOptionsValidator.ThrowIfInvalid(providerName, options);
        _providerName = providerName;
        _directory = directory;
        _modelId = modelId ?? (directory is null ? null : ModelFolder.GetModelId(directory));
        _locate = locate ?? (directory is not null
            ? _ => Task.FromResult(directory)
            : throw new ArgumentException("A model folder or a way to locate it is required.", nameof(locate)));
        _options = options;
        _logger = logger;
        _timeProvider = timeProvider;
    }

    /// <summary>Gets the model name: the embedding model identity this generator declares.</summary>
    /// <value>Known at once when the folder or <see cref="OnnxBackendOptions.ModelId"/> is configured; for a backend's default model found under <see cref="OnnxBackendOptions.ModelsDirectory"/>, <see langword="null"/> until the first call has found it.</value>
    public string? ModelId => _modelId;

    /// <summary>Gets the model folder.</summary>
    /// <value><see langword="null"/> until the first call for a backend's default model found under <see cref="OnnxBackendOptions.ModelsDirectory"/>.</value>
    public string? Directory => _directory;

    /// <summary>Gets a value indicating whether the model is loaded.</summary>
    public bool IsLoaded => _encoder is not null;

    /// <summary>Gets the loaded encoder, for benchmarks and tests.</summary>
    internal SentenceEncoder? Encoder => _encoder;

    /// <summary>Loads the model now (downloading it first when it is missing and a download address is configured), so that problems show before the first request.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the model is loaded.</returns>
    /// <exception cref="InvalidModelFileException">A file is missing or cannot be used; the message says which and what to do.</exception>
    /// <exception cref="ModelNotFoundException">The backend has no such model folder.</exception>
    public async Task LoadAsync(CancellationToken cancellationToken = default) =>
        _ = await GetEncoderAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty or holds <see langword="null"/>, or <paramref name="options"/> asks for another model or size.</exception>
    /// <exception cref="InvalidModelFileException">The model folder cannot be used.</exception>
    /// <exception cref="ModelNotFoundException">The backend has no such model folder.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        IReadOnlyList<string> texts = values as IReadOnlyList<string> ?? [.. values];
        if (texts.Count == 0)
        {
            throw new ArgumentException($"The batch is empty: pass at least one text to embed with model '{_modelId ?? "(default)"}'.", nameof(values));
        }

        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentException($"Text {i} of the batch is null; pass an empty string to embed nothing.", nameof(values));
            }
        }

        ThrowIfAnotherModel(options);
        var encoder = await GetEncoderAsync(cancellationToken).ConfigureAwait(false);
        ThrowIfAnotherModel(options);
        var modelId = _modelId!;
        if (options?.Dimensions is { } dimensions && dimensions != encoder.Dimensions)
        {
            throw new ArgumentException($"Model '{modelId}' gives {encoder.Dimensions} dimensions; it cannot give {dimensions}.", nameof(options));
        }

        var tokenized = encoder.Tokenize(texts);
        var vectors = encoder.Embed(tokenized, sortByLength: true, cancellationToken);
        var created = _timeProvider.GetUtcNow();
        var embeddings = new List<Embedding<float>>(vectors.Length);
        long tokens = 0;
        for (var i = 0; i < vectors.Length; i++)
        {
            tokens += tokenized.Ids[i].Length;
            var embedding = new Embedding<float>(vectors[i]) { ModelId = modelId, CreatedAt = created };
            if (tokenized.Truncated[i])
            {
                embedding.AdditionalProperties = new() { [TruncatedKey] = true };
            }

            embeddings.Add(embedding);
        }

        if (tokenized.TruncatedCount > 0)
        {
            Log.Truncated(_logger, modelId, tokenized.TruncatedCount, texts.Count, encoder.Config.MaxSequenceLength);
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
            // Before the model is loaded its size is unknown (finding it out would mean reading the folder); once
            // loaded, the metadata with the dimensions is kept.
            return _encoder is null ? CreateMetadata() : (_metadata ??= CreateMetadata());
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

    private EmbeddingGeneratorMetadata CreateMetadata() =>
        new(_providerName, _directory is { } directory ? new Uri(Path.GetFullPath(directory)) : null, _modelId, _encoder?.Dimensions);

    private void ThrowIfAnotherModel(EmbeddingGenerationOptions? options)
    {
        if (options?.ModelId is { } wanted && _modelId is { } served && !string.Equals(wanted, served, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"This generator serves model '{served}', not '{wanted}'. Ask the backend for a generator of that model (GetEmbeddingGenerator(\"{wanted}\")).", nameof(options));
        }
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

            try
            {
                var directory = await _locate(cancellationToken).ConfigureAwait(false);
                _directory = directory;
                var modelId = _modelId ??= ModelFolder.GetModelId(directory);
                var started = Stopwatch.GetTimestamp();
                var config = SentenceEncoderConfigReader.Read(directory, modelId, _options);
                var encoder = SentenceEncoder.Load(config, _options);
                Log.ModelLoaded(_logger, modelId, config.OnnxPath, encoder.Dimensions, config.Pooling, config.Normalize, config.MaxSequenceLength, config.MaxSequenceLengthSource, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (config.MaxSequenceLengthGuessed)
                {
                    Log.MaxLengthNotDeclared(_logger, modelId, directory, config.MaxSequenceLength, config.MaxSequenceLengthSource);
                }

                return _encoder = encoder;
            }
            catch (LocalAIException ex)
            {
                Log.LoadFailed(_logger, _modelId ?? "(default)", ex.Message);
                throw;
            }
        }
        finally
        {
            _loadGate.Release();
        }
    }

    private static string RequireModelPath(OnnxBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ModelPath is { Length: > 0 } path
            ? path
            : throw new ArgumentException("OnnxBackendOptions.ModelPath is not set: name the folder of a sentence-transformers model exported to ONNX.", nameof(options));
    }
}
