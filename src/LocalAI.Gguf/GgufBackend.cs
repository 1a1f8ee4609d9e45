using System.Collections.Concurrent;
using System.Diagnostics;
using LocalAI.Gguf.Chat;
using LocalAI.Gguf.Diagnostics;
using LocalAI.Gguf.Embeddings;
using LocalAI.Gguf.Native;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalAI.Gguf;

/// <summary>GGUF models in-process through llama.cpp: chat with the model's own template, JSON output by grammar, embeddings.</summary>
/// <remarks>Models are loaded on first use and shared by every client of this backend; disposing the backend frees them.</remarks>
public sealed class GgufBackend : ILocalBackend
{
    private readonly GgufBackendOptions options;
    private readonly ILogger logger;
    private readonly TimeProvider timeProvider;
    private readonly ConcurrentDictionary<string, Lazy<ChatModel>> chatModels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<GgufEmbeddingGenerator>> embeddingModels = new(StringComparer.Ordinal);
    private volatile bool disposed;

    /// <summary>Initializes a new instance of the <see cref="GgufBackend"/> class.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for status timestamps, or <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public GgufBackend(GgufBackendOptions options, ILogger<GgufBackend>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        this.timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public string Id => options.BackendId;

    /// <inheritdoc/>
    public BackendCapabilities Capabilities =>
        BackendCapabilities.Chat | BackendCapabilities.Streaming | BackendCapabilities.JsonOutput |
        (options.EmbeddingModelPath is null ? BackendCapabilities.None : BackendCapabilities.Embeddings);

    /// <summary>Gets the llama.cpp version the loaded native library reports, once loaded.</summary>
    public static string? NativeVersion => LlamaLibrary.Version;

    internal string? DefaultChatModelId => options.ModelPath is null ? null : Path.GetFileName(options.ModelPath);

    /// <inheritdoc/>
    public Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            LlamaLibrary.EnsureLoaded(options.NativeLibraryPath);
            if (options.ModelPath is null && options.ModelsDirectory is null && options.EmbeddingModelPath is null)
            {
                return Task.FromResult(BackendStatus.Unavailable(Id, "No model is configured: set GgufBackendOptions.ModelPath, EmbeddingModelPath or ModelsDirectory.", Stopwatch.GetElapsedTime(started), timeProvider.GetUtcNow()));
            }

            foreach (var path in new[] { options.ModelPath, options.EmbeddingModelPath })
            {
                if (path is not null && !File.Exists(path))
                {
                    return Task.FromResult(BackendStatus.Unavailable(Id, $"The model file '{path}' does not exist.", Stopwatch.GetElapsedTime(started), timeProvider.GetUtcNow()));
                }
            }

            return Task.FromResult(BackendStatus.Available(Id, "llama.cpp " + LlamaLibrary.Version, Stopwatch.GetElapsedTime(started), timeProvider.GetUtcNow()));
        }
        catch (Exception ex) when (ex is LocalAIException or ObjectDisposedException)
        {
            return Task.FromResult(BackendStatus.Unavailable(Id, ex.Message, Stopwatch.GetElapsedTime(started), timeProvider.GetUtcNow()));
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<LocalModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var paths = new List<string>();
        if (options.ModelsDirectory is { } folder && Directory.Exists(folder))
        {
            paths.AddRange(Directory.EnumerateFiles(folder, "*.gguf").Order(StringComparer.Ordinal));
        }

        foreach (var extra in new[] { options.ModelPath, options.EmbeddingModelPath })
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
                            IsLoaded = chatModels.ContainsKey(path) || embeddingModels.ContainsKey(path),
                            Capabilities = embedding ? BackendCapabilities.Embeddings : BackendCapabilities.Chat | BackendCapabilities.Streaming | BackendCapabilities.JsonOutput,
                        });
                    }
                    catch (InvalidModelFileException ex)
                    {
                        Log.SkippedModel(logger, path, ex.Reason);
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
        ObjectDisposedException.ThrowIf(disposed, this);
        return new GgufChatClient(this, model);
    }

    /// <inheritdoc/>
    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(string? model = null)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var path = ResolvePath(model ?? options.EmbeddingModelPath, "embedding");
        return new GgufEmbeddingClient(GetOrLoad(embeddingModels, path, p => new GgufEmbeddingGenerator(Load(p), options)));
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return ValueTask.CompletedTask;
        }

        disposed = true;
        foreach (var entry in chatModels.Values)
        {
            if (entry.IsValueCreated)
            {
                entry.Value.Dispose();
            }
        }

        foreach (var entry in embeddingModels.Values)
        {
            if (entry.IsValueCreated)
            {
                entry.Value.Dispose();
            }
        }

        chatModels.Clear();
        embeddingModels.Clear();
        return ValueTask.CompletedTask;
    }

    internal ChatModel GetChatModel(string? model)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var path = ResolvePath(model ?? options.ModelPath, "chat");
        var chat = GetOrLoad(chatModels, path, p => new ChatModel(Load(p), options, Id));
        ObjectDisposedException.ThrowIf(disposed, this);
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
        LlamaLibrary.EnsureLoaded(options.NativeLibraryPath);
        if (!ReferenceEquals(logger, NullLogger.Instance))
        {
            LlamaLibrary.SetLogSink(OnNativeLog);
        }

        var started = Stopwatch.GetTimestamp();
        var model = LlamaModel.Load(path);
        Log.ModelLoaded(logger, path, model.File.Architecture, model.File.ParameterSize, model.File.Quantization, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return model;
    }

    private void OnNativeLog(int level, string text)
    {
        if (level is 3 or 4)
        {
            Log.NativeWarning(logger, text.TrimEnd());
        }
        else if (logger.IsEnabled(LogLevel.Debug))
        {
            Log.Native(logger, text.TrimEnd());
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

        if (options.ModelsDirectory is { } folder)
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
