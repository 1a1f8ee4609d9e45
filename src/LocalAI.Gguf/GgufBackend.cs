using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalAI.Gguf;

/// <summary>GGUF models in-process through llama.cpp: chat with the model's own template, JSON output by grammar, embeddings.</summary>
/// <remarks>Models are loaded on first use and shared by every client of this backend; disposing the backend frees them.</remarks>
public sealed class GgufBackend : ILocalBackend
{
    /// <summary>The id a backend registered with <c>AddGguf()</c> gets, which also names its configuration section <c>LocalAI:gguf</c>.</summary>
    public const string DefaultId = "gguf";

    private readonly GgufBackendOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, Lazy<ChatModel>> _chatModels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<GgufEmbeddingGenerator>> _embeddingModels = new(StringComparer.Ordinal);
    private volatile bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="GgufBackend"/> class.</summary>
    /// <param name="id">The backend id (<see cref="DefaultId"/> unless several GGUF backends are registered); the provider name its clients report.</param>
    /// <param name="options">The options; validated here as at start.</param>
    /// <param name="loggerFactory">Creates the backend's logger, or <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock for status timestamps, or <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty, or an option is out of range (the message names its key).</exception>
    public GgufBackend(string id, GgufBackendOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(options);
        GgufBackendOptionsValidator.ThrowIfInvalid(id, options);
        Id = id;
        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<GgufBackend>();
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    public BackendCapabilities Capabilities =>
        BackendCapabilities.Chat | BackendCapabilities.Streaming | BackendCapabilities.JsonOutput |
        (_options.EmbeddingModelPath is null ? BackendCapabilities.None : BackendCapabilities.Embeddings);

    /// <summary>Gets the llama.cpp version the loaded native library reports, once loaded.</summary>
    public static string? NativeVersion => LlamaLibrary.Version;

    internal string? DefaultChatModelId => _options.ModelPath is null ? null : Path.GetFileName(_options.ModelPath);

    /// <inheritdoc/>
    public Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            LlamaLibrary.EnsureLoaded(_options.NativeLibraryPath);
            if (_options.ModelPath is null && _options.ModelsDirectory is null && _options.EmbeddingModelPath is null)
            {
                return Task.FromResult(BackendStatus.Unavailable(Id, "No model is configured: set GgufBackendOptions.ModelPath, EmbeddingModelPath or ModelsDirectory.", Stopwatch.GetElapsedTime(started), _timeProvider.GetUtcNow()));
            }

            foreach (var path in new[] { _options.ModelPath, _options.EmbeddingModelPath })
            {
                if (path is not null && !File.Exists(path))
                {
                    return Task.FromResult(BackendStatus.Unavailable(Id, $"The model file '{path}' does not exist.", Stopwatch.GetElapsedTime(started), _timeProvider.GetUtcNow()));
                }
            }

            return Task.FromResult(BackendStatus.Available(Id, "llama.cpp " + LlamaLibrary.Version, Stopwatch.GetElapsedTime(started), _timeProvider.GetUtcNow()));
        }
        catch (Exception ex) when (ex is LocalAIException or ObjectDisposedException)
        {
            return Task.FromResult(BackendStatus.Unavailable(Id, ex.Message, Stopwatch.GetElapsedTime(started), _timeProvider.GetUtcNow()));
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<LocalModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var paths = new List<string>();
        if (_options.ModelsDirectory is { } folder && Directory.Exists(folder))
        {
            paths.AddRange(Directory.EnumerateFiles(folder, "*.gguf").Order(StringComparer.Ordinal));
        }

        foreach (var extra in new[] { _options.ModelPath, _options.EmbeddingModelPath })
        {
            if (extra is not null && !paths.Contains(Path.GetFullPath(extra)) && File.Exists(extra))
            {
                paths.Add(Path.GetFullPath(extra));
            }
        }

        return await Task.Run(
            () =>
            {
                var models = new List<LocalModelInfo>();
                foreach (var path in paths)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    try
                    {
                        var file = GgufFile.Read(path);
                        var embedding = file.PoolingType is > 0 || string.Equals(file.Architecture, "bert", StringComparison.OrdinalIgnoreCase) || file.Architecture.Contains("bert", StringComparison.OrdinalIgnoreCase);
                        models.Add(new LocalModelInfo(Path.GetFileName(path), Id)
                        {
                            SizeBytes = file.FileSize,
                            Family = file.Architecture,
                            ParameterSize = file.ParameterSize,
                            Quantization = file.Quantization,
                            ContextLength = file.ContextLength,
                            EmbeddingDimensions = embedding ? file.EmbeddingLength : null,
                            IsInstalled = true,
                            IsLoaded = _chatModels.ContainsKey(path) || _embeddingModels.ContainsKey(path),
                            Capabilities = embedding ? BackendCapabilities.Embeddings : BackendCapabilities.Chat | BackendCapabilities.Streaming | BackendCapabilities.JsonOutput,
                        });
                    }
                    catch (InvalidModelFileException ex)
                    {
                        Log.SkippedModel(_logger, path, ex.Reason);
                    }
                }

                return (IReadOnlyList<LocalModelInfo>)models;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: GGUF files are placed in <see cref="GgufBackendOptions.ModelsDirectory"/> by hand.</exception>
    public Task DownloadModelAsync(string model, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The GGUF backend does not download models; copy the .gguf file into GgufBackendOptions.ModelsDirectory.");

    /// <inheritdoc/>
    public IChatClient GetChatClient(string? model = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new GgufChatClient(this, model);
    }

    /// <inheritdoc/>
    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(string? model = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var path = ResolvePath(model ?? _options.EmbeddingModelPath, "embedding");
        return new GgufEmbeddingClient(GetOrLoad(_embeddingModels, path, p => new GgufEmbeddingGenerator(Load(p), _options, Id)));
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;
        }

        _disposed = true;
        foreach (var entry in _chatModels.Values)
        {
            if (entry.IsValueCreated)
            {
                entry.Value.Dispose();
            }
        }

        foreach (var entry in _embeddingModels.Values)
        {
            if (entry.IsValueCreated)
            {
                entry.Value.Dispose();
            }
        }

        _chatModels.Clear();
        _embeddingModels.Clear();
        return ValueTask.CompletedTask;
    }

    internal ChatModel GetChatModel(string? model)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var path = ResolvePath(model ?? _options.ModelPath, "chat");
        var chat = GetOrLoad(_chatModels, path, p => new ChatModel(Load(p), _options, Id));
        ObjectDisposedException.ThrowIf(_disposed, this);
        return chat;
    }

    private static T GetOrLoad<T>(ConcurrentDictionary<string, Lazy<T>> cache, string path, Func<string, T> load)
    {
        var entry = cache.GetOrAdd(path, p => new Lazy<T>(() => load(p)));
        try
        {
            return entry.Value;
        }
        catch
        {
            // A failed load is not remembered: the file may be fixed or the library installed before the next request.
            cache.TryRemove(new KeyValuePair<string, Lazy<T>>(path, entry));
            throw;
        }
    }

    private LlamaModel Load(string path)
    {
        LlamaLibrary.EnsureLoaded(_options.NativeLibraryPath);
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            LlamaLibrary.SetLogSink(OnNativeLog);
        }

        var started = Stopwatch.GetTimestamp();
        var model = LlamaModel.Load(path);
        Log.ModelLoaded(_logger, path, model.File.Architecture, model.File.ParameterSize, model.File.Quantization, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return model;
    }

    private void OnNativeLog(int level, string text)
    {
        if (level is 3 or 4)
        {
            Log.NativeWarning(_logger, text.TrimEnd());
        }
        else if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.Native(_logger, text.TrimEnd());
        }
    }

    private string ResolvePath(string? model, string kind)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new ModelNotFoundException($"(default {kind} model)", Id, $"Set GgufBackendOptions.{(kind == "chat" ? "ModelPath" : "EmbeddingModelPath")} or name a .gguf file.");
        }

        if (File.Exists(model))
        {
            return Path.GetFullPath(model);
        }

        if (_options.ModelsDirectory is { } folder)
        {
            foreach (var candidate in new[] { Path.Combine(folder, model), Path.Combine(folder, model + ".gguf") })
            {
                if (File.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        throw new ModelNotFoundException(model, Id, "Give the path of a .gguf file, or its name in GgufBackendOptions.ModelsDirectory.");
    }
}
