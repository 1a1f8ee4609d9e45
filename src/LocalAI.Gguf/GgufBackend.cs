using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalAI.Gguf;

/// <summary>GGUF models in-process through llama.cpp: chat with the model's own template, JSON output by grammar, embeddings.</summary>
/// <remarks>Models are loaded on the first request that needs them and shared by every client of this backend; disposing the backend frees them.</remarks>
public sealed class GgufBackend : ILocalBackend, IModelDeleter
{
    /// <summary>The id a backend registered with <c>AddGguf()</c> gets, which also names its configuration section <c>LocalAI:gguf</c>.</summary>
    public const string DefaultId = "gguf";

    private readonly GgufBackendOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly GgufModelCatalog _catalog;
    private readonly ModelCache<ChatModel> _chatModels;
    private readonly ModelCache<EmbeddingModel> _embeddingModels;
    private readonly HttpClient? _httpClient;
    private HuggingFaceDownloader? _downloader;
    private HttpClient? _ownedHttpClient;
    private readonly ModelFileVerifier? _verifier;
    private volatile bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="GgufBackend"/> class.</summary>
    /// <param name="id">The backend id (<see cref="DefaultId"/> unless several GGUF backends are registered); the provider name its clients report.</param>
    /// <param name="options">The options; validated here as at start.</param>
    /// <param name="loggerFactory">Creates the backend's logger, or <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock for timestamps, or <see langword="null"/> for the system clock.</param>
    /// <param name="httpClient">The client model downloads use (the caller keeps owning it); <see langword="null"/> to create one when first needed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty, or an option is out of range (the message names its key).</exception>
    public GgufBackend(string id, GgufBackendOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, HttpClient? httpClient = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(options);
        GgufBackendOptionsValidator.ThrowIfInvalid(id, options);
        Id = id;
        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<GgufBackend>();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _catalog = new GgufModelCatalog(id, options);
        _httpClient = httpClient;
        _verifier = options.VerifyInChildProcess ? new ModelFileVerifier(options) : null;
        _chatModels = new ModelCache<ChatModel>(async path => new ChatModel(await LoadAsync(path).ConfigureAwait(false), _options, _timeProvider));
        _embeddingModels = new ModelCache<EmbeddingModel>(async path => new EmbeddingModel(await LoadAsync(path).ConfigureAwait(false), _options, _timeProvider));
    }

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    public BackendCapabilities Capabilities =>
        BackendCapabilities.Chat | BackendCapabilities.Streaming | BackendCapabilities.JsonOutput |
        (_options.EmbeddingModelPath is null ? BackendCapabilities.None : BackendCapabilities.Embeddings) |
        (_options.ModelsDirectory is null ? BackendCapabilities.None : BackendCapabilities.ModelDownload);

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
                return Status(false, "No model is configured: set GgufBackendOptions.ModelPath, EmbeddingModelPath or ModelsDirectory.");
            }

            foreach (var path in new[] { _options.ModelPath, _options.EmbeddingModelPath })
            {
                if (path is not null && !File.Exists(path))
                {
                    return Status(false, $"The model file '{path}' does not exist.");
                }
            }

            return Status(true, "llama.cpp " + LlamaLibrary.Version);
        }
        catch (Exception ex) when (ex is LocalAIException or ObjectDisposedException)
        {
            return Status(false, ex.Message);
        }

        Task<BackendStatus> Status(bool available, string text) => Task.FromResult(available
            ? BackendStatus.Available(Id, text, Stopwatch.GetElapsedTime(started), _timeProvider.GetUtcNow())
            : BackendStatus.Unavailable(Id, text, Stopwatch.GetElapsedTime(started), _timeProvider.GetUtcNow()));
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<LocalModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return await Task.Run(
            () =>
            {
                var models = new List<LocalModelInfo>();
                foreach (var path in _catalog.ListPaths())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    try
                    {
                        models.Add(_catalog.Describe(path, GgufFile.Read(path), _chatModels.IsLoaded(path) || _embeddingModels.IsLoaded(path)));
                    }
                    catch (InvalidModelFileException ex)
                    {
                        Log.SkippedModel(_logger, path, ex.Reason);
                    }
                }

                // A chat model this backend would download gets JSON output by grammar, as an installed one does.
                return (IReadOnlyList<LocalModelInfo>)[.. _catalog.Downloadable.Complete(Id, models, _catalog.Describes)
                    .Select(m => m is { IsInstalled: false, EmbeddingDimensions: null } ? m with { Capabilities = m.Capabilities | BackendCapabilities.JsonOutput } : m)];
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// <paramref name="model"/> is a catalog id (<c>qwen2.5:0.5b</c>) or a Hugging Face repository and file,
    /// <c>owner/name/path/file.gguf</c>; the file goes into <see cref="GgufBackendOptions.ModelsDirectory"/> under its own name,
    /// checked against the catalog's SHA-256 or the repository's LFS metadata and then as a GGUF file. An installed file is not fetched again.
    /// </remarks>
    /// <exception cref="NotSupportedException"><see cref="GgufBackendOptions.ModelsDirectory"/> is not set.</exception>
    /// <exception cref="ModelNotFoundException">The name is neither a catalog id nor a repository file, the hub has no such file, or offline mode is on.</exception>
    /// <exception cref="InvalidModelFileException">The file does not match its checksum or is not a valid GGUF file; nothing was installed.</exception>
    public async Task DownloadModelAsync(string model, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_options.ModelsDirectory is not { } folder)
        {
            throw new NotSupportedException($"The GGUF backend downloads into its models folder: set LocalAI:{Id}:ModelsDirectory.");
        }

        var (repository, file) = _catalog.Downloadable.Find(model) is { Repository: { Length: > 0 } repo } entry && entry.Files.FirstOrDefault(f => f.Path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)) is { } catalogFile
            ? (repo, catalogFile)
            : ParseRepositoryFile(model);
        var target = Path.GetFullPath(Path.Combine(folder, Path.GetFileName(file.Path)));
        if (File.Exists(target))
        {
            progress?.Report(new ModelDownloadProgress(model, "already installed") { Percent = 100, IsCompleted = true, BytesCompleted = new FileInfo(target).Length, BytesTotal = new FileInfo(target).Length });
            return;
        }

        Directory.CreateDirectory(folder);
        Log.Downloading(_logger, model, repository, file.Path, target);
        await GetDownloader().DownloadFileAsync(model, repository, file, target, progress, cancellationToken).ConfigureAwait(false);
        try
        {
            GgufFile.Read(target);
        }
        catch (InvalidModelFileException)
        {
            File.Delete(target);
            throw;
        }

        Log.Downloaded(_logger, model, target);
    }

    /// <inheritdoc/>
    /// <remarks>Deletes a <c>.gguf</c> file of <see cref="GgufBackendOptions.ModelsDirectory"/>, named by file name or catalog id; never a file elsewhere.</remarks>
    /// <exception cref="ModelInUseException">The backend has the model loaded (by any chat client or embedding generator); it is not deleted.</exception>
    public Task DeleteModelAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var path = _options.ModelsDirectory is null ? null : _catalog.FindInstalled(model);
        if (path is null)
        {
            throw new ModelNotFoundException(model, Id, $"No such .gguf file is installed in the models folder '{_options.ModelsDirectory ?? "(GgufBackendOptions.ModelsDirectory is not set)"}'.");
        }

        if (_chatModels.IsLoaded(path) || _embeddingModels.IsLoaded(path))
        {
            throw new ModelInUseException(model, Id, "Stop using it and dispose the backend (or restart the application) first, then delete it.");
        }

        File.Delete(path);
        File.Delete(path + ".part");
        Log.Deleted(_logger, model, path);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>Does no I/O: the model is found and loaded by the first request.</remarks>
    public IChatClient GetChatClient(string? model = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new GgufChatClient(this, model);
    }

    /// <inheritdoc/>
    /// <remarks>Does no I/O: the model is found and loaded by the first <c>GenerateAsync</c>; the metadata declares the dimensions from then on.</remarks>
    /// <exception cref="ModelNotFoundException"><paramref name="model"/> is <see langword="null"/> and no <see cref="GgufBackendOptions.EmbeddingModelPath"/> is configured.</exception>
    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(string? model = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        model ??= _options.EmbeddingModelPath;
        return string.IsNullOrWhiteSpace(model) ? throw _catalog.DefaultMissing(embedding: true) : new GgufEmbeddingGenerator(this, model);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _chatModels.DisposeAsync().ConfigureAwait(false);
        await _embeddingModels.DisposeAsync().ConfigureAwait(false);
        _ownedHttpClient?.Dispose();
    }

    /// <summary>Gets a chat model, loading it on first use.</summary>
    /// <param name="model">A .gguf path or a name in the models folder; <see langword="null"/> for <see cref="GgufBackendOptions.ModelPath"/>.</param>
    /// <param name="cancellationToken">Stops the wait for the load.</param>
    /// <returns>The loaded model.</returns>
    internal Task<ChatModel> GetChatModelAsync(string? model, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _chatModels.GetAsync(_catalog.Resolve(model, embedding: false), cancellationToken);
    }

    /// <summary>Gets an embedding model, loading it on first use.</summary>
    /// <param name="model">A .gguf path or a name in the models folder.</param>
    /// <param name="cancellationToken">Stops the wait for the load.</param>
    /// <returns>The loaded model.</returns>
    internal Task<EmbeddingModel> GetEmbeddingModelAsync(string model, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _embeddingModels.GetAsync(_catalog.Resolve(model, embedding: true), cancellationToken);
    }

    private (string Repository, ModelCatalogFile File) ParseRepositoryFile(string model)
    {
        var parts = model.Split('/', 3);
        if (parts.Length < 3 || parts.Any(p => p.Length == 0) || !parts[2].EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelNotFoundException(model, Id, $"Name a catalog id ({string.Join(", ", _catalog.Downloadable.Entries.Select(e => e.Id))}) or a Hugging Face repository and file as owner/name/file.gguf.");
        }

        return (parts[0] + "/" + parts[1], new ModelCatalogFile { Path = parts[2] });
    }

    private HuggingFaceDownloader GetDownloader() =>
        LazyInitializer.EnsureInitialized(ref _downloader, () => new HuggingFaceDownloader(Id, _options.HuggingFace, _httpClient ?? LazyInitializer.EnsureInitialized(ref _ownedHttpClient, () => new HttpClient()), _timeProvider));

    private async Task<LlamaModel> LoadAsync(string path)
    {
        LlamaLibrary.EnsureLoaded(_options.NativeLibraryPath);
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            LlamaLibrary.SetLogSink(OnNativeLog);
        }

        if (_verifier is not null)
        {
            // The load is shared by every caller waiting for it, so no caller's cancellation stops it.
            var verifying = Stopwatch.GetTimestamp();
            await _verifier.VerifyAsync(path, CancellationToken.None).ConfigureAwait(false);
            Log.ModelVerified(_logger, path, (long)Stopwatch.GetElapsedTime(verifying).TotalMilliseconds);
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
            Log.NativeDebug(_logger, text.TrimEnd());
        }
    }
}
