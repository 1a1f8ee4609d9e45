using System.Collections.Concurrent;
using System.Diagnostics;
using LocalAI.Onnx.Download;
using LocalAI.Onnx.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace LocalAI.Onnx;

/// <summary>
/// The ONNX Runtime backend (<c>onnx</c>): sentence embeddings in-process, no server. Its models are the model folders
/// under <see cref="OnnxEmbeddingOptions.ModelsDirectory"/>; its default model is <see cref="OnnxEmbeddingOptions.ModelPath"/>.
/// </summary>
public sealed class OnnxBackend : ILocalBackend
{
    /// <summary>The backend's identifier.</summary>
    public const string BackendId = "onnx";

    private readonly OnnxEmbeddingOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly HttpClient? _httpClient;
    private readonly ConcurrentDictionary<string, OnnxBackendEmbeddingGenerator> _generators = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _downloadGate = new(1, 1);
    private HttpClient? _ownedHttpClient;

    /// <summary>Initializes a new instance of the <see cref="OnnxBackend"/> class.</summary>
    /// <param name="options">The options.</param>
    /// <param name="logger">The logger, if any.</param>
    /// <param name="httpClient">The client used for model downloads; <see langword="null"/> to create one when first needed.</param>
    /// <param name="timeProvider">The clock for status and embedding times; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    public OnnxBackend(OnnxEmbeddingOptions options, ILogger? logger = null, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        OnnxEmbeddingOptionsValidator.ThrowIfInvalid(options);
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _httpClient = httpClient;
    }

    /// <inheritdoc/>
    public string Id => BackendId;

    /// <inheritdoc/>
    public BackendCapabilities Capabilities =>
        BackendCapabilities.Embeddings | (_options.DownloadUrl is null ? BackendCapabilities.None : BackendCapabilities.ModelDownload);

    /// <summary>Gets the folder whose sub-folders are the models this backend lists.</summary>
    public string? ModelsDirectory =>
        _options.ModelsDirectory is { Length: > 0 } directory ? directory
        : _options.ModelPath is { Length: > 0 } path ? Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)))
        : null;

    /// <inheritdoc/>
    /// <remarks>Loads the default model (downloading it first when configured to), so an unusable model shows here with the reason.</remarks>
    public async Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var generator = GetDefaultGenerator().Owner;
            await generator.LoadAsync(cancellationToken).ConfigureAwait(false);
            var models = await ListModelsAsync(cancellationToken).ConfigureAwait(false);
            return BackendStatus.Available(BackendId, "onnxruntime " + OrtEnv.Instance().GetVersionString(), Stopwatch.GetElapsedTime(started), _timeProvider.GetUtcNow()) with { Models = models };
        }
        catch (Exception ex) when (ex is LocalAIException or ArgumentException)
        {
            return BackendStatus.Unavailable(BackendId, ex.Message, Stopwatch.GetElapsedTime(started), _timeProvider.GetUtcNow());
        }
    }

    /// <inheritdoc/>
    /// <remarks>Every sub-folder of <see cref="ModelsDirectory"/> with an ONNX file, and the default model folder, with the dimensions their configuration declares; nothing is loaded.</remarks>
    public Task<IReadOnlyList<LocalModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        var folders = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (ModelsDirectory is { } root && Directory.Exists(root))
        {
            foreach (var folder in Directory.EnumerateDirectories(root))
            {
                if (ModelFolder.FindOnnxFile(folder) is not null)
                {
                    folders[ModelFolder.GetModelId(folder)] = folder;
                }
            }
        }

        if (_options.ModelPath is { Length: > 0 } modelPath && ModelFolder.FindOnnxFile(modelPath) is not null)
        {
            folders.Remove(ModelFolder.GetModelId(modelPath));
            folders[DefaultModelId!] = modelPath;
        }

        var models = new List<LocalModelInfo>(folders.Count);
        foreach (var (id, folder) in folders)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (dimensions, family, maxLength) = SentenceEncoderConfigReader.ReadSummary(folder);
            var generator = _generators.GetValueOrDefault(Path.GetFullPath(folder))?.Owner;
            models.Add(new LocalModelInfo(id, BackendId)
            {
                SizeBytes = new FileInfo(ModelFolder.FindOnnxFile(folder)!).Length,
                Family = family,
                ContextLength = generator?.Encoder?.Config.MaxSequenceLength ?? maxLength,
                EmbeddingDimensions = generator?.Encoder?.Dimensions ?? dimensions,
                IsInstalled = true,
                IsLoaded = generator?.IsLoaded ?? false,
                Capabilities = BackendCapabilities.Embeddings,
            });
        }

        return Task.FromResult<IReadOnlyList<LocalModelInfo>>(models);
    }

    /// <inheritdoc/>
    /// <remarks>Only the default model can be downloaded: from <see cref="OnnxEmbeddingOptions.DownloadUrl"/> into <see cref="OnnxEmbeddingOptions.ModelPath"/>, with its SHA-256 checked.</remarks>
    public async Task DownloadModelAsync(string model, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (_options.DownloadUrl is null)
        {
            throw new NotSupportedException("The ONNX backend downloads only when OnnxEmbeddingOptions.DownloadUrl and DownloadSha256 are set; otherwise put the exported model folder on disk yourself.");
        }

        if (!string.Equals(model, DefaultModelId, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelNotFoundException(model, BackendId, $"Only the default model '{DefaultModelId}' has a download address (OnnxEmbeddingOptions.DownloadUrl).");
        }

        await DownloadDefaultAsync(progress, force: true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: this backend serves embeddings only.</exception>
    public IChatClient GetChatClient(string? model = null) =>
        throw new NotSupportedException("The ONNX backend serves embeddings only; register a chat backend (Ollama, GGUF, MLX) for chat.");

    /// <inheritdoc/>
    /// <exception cref="ModelNotFoundException">No model folder of that name is under <see cref="ModelsDirectory"/>.</exception>
    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(string? model = null)
    {
        if (model is null || string.Equals(model, DefaultModelId, StringComparison.OrdinalIgnoreCase))
        {
            return GetDefaultGenerator();
        }

        var folder = ModelsDirectory is { } root ? Path.Combine(root, model) : null;
        if (folder is null || model.IndexOfAny(['/', '\\']) >= 0 || ModelFolder.FindOnnxFile(folder) is null)
        {
            throw new ModelNotFoundException(model, BackendId, $"Put a sentence-transformers model exported to ONNX in '{folder ?? "<ModelsDirectory>"}' (see the LocalAI.Onnx README).");
        }

        return _generators.GetOrAdd(Path.GetFullPath(folder), static (_, state) =>
            new(new OnnxEmbeddingGenerator(state.folder, state.model, state.self._options, state.self._logger, null, state.self._timeProvider)), (folder, model, self: this));
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        foreach (var generator in _generators.Values)
        {
            generator.Owner.Dispose();
        }

        _generators.Clear();
        _ownedHttpClient?.Dispose();
        _downloadGate.Dispose();
        return ValueTask.CompletedTask;
    }

    private string? DefaultModelId =>
        _options.ModelId is { Length: > 0 } id ? id
        : _options.ModelPath is { Length: > 0 } path ? ModelFolder.GetModelId(path)
        : DefaultFolder is { } folder ? ModelFolder.GetModelId(folder)
        : null;

    private string? DefaultFolder =>
        _options.ModelPath is { Length: > 0 } path ? path
        : ModelsDirectory is { } root && Directory.Exists(root)
            ? Directory.EnumerateDirectories(root).Where(d => ModelFolder.FindOnnxFile(d) is not null).Order(StringComparer.Ordinal).FirstOrDefault()
            : null;

    private OnnxBackendEmbeddingGenerator GetDefaultGenerator()
    {
        var folder = DefaultFolder
            ?? throw new ModelNotFoundException("(default)", BackendId, $"No model folder with model.onnx is under '{ModelsDirectory}'. Export a sentence-transformers model to ONNX there or set OnnxEmbeddingOptions.ModelPath.");
        return _generators.GetOrAdd(Path.GetFullPath(folder), static (_, state) =>
            new(new OnnxEmbeddingGenerator(
                state.folder,
                state.self.DefaultModelId,
                state.self._options,
                state.self._logger,
                state.self._options.DownloadUrl is null ? null : ct => state.self.DownloadDefaultAsync(null, force: false, ct),
                state.self._timeProvider)), (folder, self: this));
    }

    private async Task DownloadDefaultAsync(IProgress<ModelDownloadProgress>? progress, bool force, CancellationToken cancellationToken)
    {
        var folder = _options.ModelPath!;
        await _downloadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!force && ModelFolder.FindOnnxFile(folder) is not null)
            {
                return;
            }

            var downloader = new ModelDownloader(_httpClient ?? LazyInitializer.EnsureInitialized(ref _ownedHttpClient, () => new HttpClient()), _logger);
            await downloader.DownloadAsync(
                DefaultModelId!,
                _options.DownloadUrl!,
                _options.DownloadSha256!,
                _options.DownloadFiles is { Count: > 0 } files ? [.. files] : ModelDownloader.DefaultFiles,
                folder,
                progress,
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _downloadGate.Release();
        }
    }
}
