using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalAI.Onnx;

/// <summary>
/// The ONNX Runtime backend: sentence embeddings in-process, no server. Its models are the model folders under
/// <see cref="OnnxBackendOptions.ModelsDirectory"/>; its default model is <see cref="OnnxBackendOptions.ModelPath"/>.
/// </summary>
/// <remarks>
/// <see cref="GetEmbeddingGenerator"/> reads nothing: a generator finds, downloads (where configured) and loads its model
/// on its first call. <see cref="GetStatusAsync"/> loads the default model, so an unusable one shows there with the reason.
/// </remarks>
public sealed class OnnxBackend : ILocalBackend, IModelDeleter
{
    /// <summary>The id of a backend registered by <c>AddOnnxEmbeddings()</c> without one.</summary>
    public const string DefaultId = "onnx";

    /// <summary>The backend kind the built-in catalog files ONNX entries under.</summary>
    private const string CatalogKind = "onnx";

    private readonly OnnxBackendOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly HttpClient? _httpClient;
    private readonly ConcurrentDictionary<string, OnnxBackendEmbeddingGenerator> _generators = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _downloadGate = new(1, 1);
    private readonly Lock _defaultGate = new();
    private OnnxBackendEmbeddingGenerator? _directoryDefault;
    private readonly ModelCatalog _catalog;
    private readonly DefaultModelSource? _defaultSource;
    private HttpClient? _ownedHttpClient;
    private HuggingFaceDownloader? _hub;

    /// <summary>Initializes a new instance of the <see cref="OnnxBackend"/> class; nothing is read until a model is used.</summary>
    /// <param name="id">The backend id: the name the router reports and the configuration sub-section (<c>LocalAI:&lt;id&gt;</c>).</param>
    /// <param name="options">The options.</param>
    /// <param name="loggerFactory">Creates the loggers; <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock for status and embedding times; <see langword="null"/> for the system clock.</param>
    /// <param name="httpClient">The client used for model downloads; <see langword="null"/> to create one when first needed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty, or the options are not valid (the message is the validator's).</exception>
    public OnnxBackend(string id, OnnxBackendOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, HttpClient? httpClient = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(options);
        OnnxBackendOptionsValidator.ThrowIfInvalid(id, options);
        Id = id;
        _options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<OnnxBackend>();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _httpClient = httpClient;
        _catalog = ModelCatalog.Create(CatalogKind, options.Catalog);
        _defaultSource = DefaultModelSource.From(options);
    }

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    public BackendCapabilities Capabilities =>
        BackendCapabilities.Embeddings | (_defaultSource is null && ModelsDirectory is null ? BackendCapabilities.None : BackendCapabilities.ModelDownload);

    /// <summary>Gets the folder whose sub-folders are the models this backend lists.</summary>
    public string? ModelsDirectory =>
        _options.ModelsDirectory is { Length: > 0 } directory ? directory
        : _options.ModelPath is { Length: > 0 } path ? Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)))
        : null;

    /// <summary>Gets the name of the default model when it is known without reading the disk: <see cref="OnnxBackendOptions.ModelId"/>, else the name of the <see cref="OnnxBackendOptions.ModelPath"/> folder.</summary>
    private string? DeclaredDefaultModelId =>
        _options.ModelId is { Length: > 0 } id ? id
        : _options.ModelPath is { Length: > 0 } path ? ModelFolder.GetModelId(path)
        : null;

    /// <inheritdoc/>
    /// <remarks>Loads the default model (downloading it first when configured to), so an unusable model shows here with the reason.</remarks>
    public async Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await GetDefaultGenerator().Owner.LoadAsync(cancellationToken).ConfigureAwait(false);
            var models = await ListModelsAsync(cancellationToken).ConfigureAwait(false);
            return BackendStatus.Available(Id, "onnxruntime " + EncoderSession.RuntimeVersion, Stopwatch.GetElapsedTime(started), _timeProvider.GetUtcNow()) with { Models = models };
        }
        catch (Exception ex) when (ex is LocalAIException or ArgumentException)
        {
            return BackendStatus.Unavailable(Id, ex.Message, Stopwatch.GetElapsedTime(started), _timeProvider.GetUtcNow());
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
                if (!Path.GetFileName(folder).StartsWith('.') && ModelFolder.FindOnnxFile(folder) is not null)
                {
                    folders[ModelFolder.GetModelId(folder)] = folder;
                }
            }
        }

        if (_options.ModelPath is { Length: > 0 } modelPath && ModelFolder.FindOnnxFile(modelPath) is not null)
        {
            folders.Remove(ModelFolder.GetModelId(modelPath));
            folders[DeclaredDefaultModelId!] = modelPath;
        }

        var models = new List<LocalModelInfo>(folders.Count);
        foreach (var (id, folder) in folders)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (dimensions, family, maxLength, maxLengthSource) = SentenceEncoderConfigReader.ReadSummary(folder, _options);
            var generator = FindGenerator(folder);
            var loaded = generator?.Encoder?.Config;
            models.Add(new LocalModelInfo(id, Id)
            {
                SizeBytes = new FileInfo(ModelFolder.FindOnnxFile(folder)!).Length,
                Family = family,
                ContextLength = loaded?.MaxSequenceLength ?? maxLength,
                ContextLengthSource = loaded?.MaxSequenceLengthSource ?? maxLengthSource,
                EmbeddingDimensions = generator?.Encoder?.Dimensions ?? dimensions,
                IsInstalled = true,
                IsLoaded = generator?.IsLoaded ?? false,
                Capabilities = BackendCapabilities.Embeddings,
            });
        }

        return Task.FromResult(_catalog.Complete(Id, models));
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The default model with a <see cref="OnnxBackendOptions.DownloadRepository"/> (or <see cref="OnnxBackendOptions.DownloadUrl"/>) comes from there into
    /// <see cref="OnnxBackendOptions.ModelPath"/>, fetched again when asked for. Any other model comes from a
    /// Hugging Face hub into a folder of <see cref="ModelsDirectory"/>: a catalog id (<c>all-MiniLM-L6-v2</c>) fetches the entry's
    /// files; a repository (<c>owner/name</c>) fetches its <c>onnx/model.onnx</c> (or <c>model.onnx</c>) with the tokenizer and
    /// sentence-transformers configuration files it has. The folder appears whole or not at all; an installed one is not fetched again.
    /// </remarks>
    /// <exception cref="NotSupportedException">Neither a download address nor a models folder is configured.</exception>
    /// <exception cref="ModelNotFoundException">The name is neither a catalog id nor a repository, the hub lacks a required file, or offline mode is on.</exception>
    /// <exception cref="InvalidModelFileException">A file does not match its checksum; nothing was installed.</exception>
    public async Task DownloadModelAsync(string model, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (_defaultSource is not null && string.Equals(model, DeclaredDefaultModelId, StringComparison.OrdinalIgnoreCase))
        {
            await DownloadDefaultAsync(progress, force: true, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (ModelsDirectory is not { } root)
        {
            throw new NotSupportedException($"The ONNX backend downloads into its models folder: set LocalAI:{Id}:ModelsDirectory (or DownloadRepository for the default model).");
        }

        var entry = _catalog.Find(model);
        var repository = entry?.Repository is { Length: > 0 } repo ? repo : model.Count(c => c == '/') == 1 ? model : null;
        if (repository is null)
        {
            throw new ModelNotFoundException(model, Id, $"Name a catalog id ({string.Join(", ", _catalog.Entries.Select(e => e.Id))}) or a Hugging Face repository as owner/name.");
        }

        var name = entry?.Id ?? repository[(repository.IndexOf('/', StringComparison.Ordinal) + 1)..];
        var folder = Path.Combine(root, name);
        if (ModelFolder.FindOnnxFile(folder) is not null)
        {
            progress?.Report(new ModelDownloadProgress(name, "already installed") { Percent = 100, IsCompleted = true });
            return;
        }

        var hub = GetHub();
        IReadOnlyList<ModelCatalogFile> files = entry is { Files.Count: > 0 } ? [.. entry.Files] : await ChooseFilesAsync(hub, repository, cancellationToken).ConfigureAwait(false);
        Log.DownloadingFromHub(_logger, name, repository, folder);
        await hub.DownloadFolderAsync(name, repository, files, folder, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>Deletes a model folder of <see cref="ModelsDirectory"/>, named as <see cref="ListModelsAsync"/> lists it; never the folder of <see cref="OnnxBackendOptions.ModelPath"/> outside it.</remarks>
    /// <exception cref="ModelInUseException">A generator of this backend has the model loaded; it is not deleted.</exception>
    public Task DeleteModelAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (ModelsDirectory is not { } root || model.IndexOfAny(['/', '\\']) >= 0 || model is "." or ".." || model.StartsWith('.'))
        {
            throw new ModelNotFoundException(model, Id, $"Name a model folder under '{ModelsDirectory ?? "<ModelsDirectory>"}'.");
        }

        var folder = Path.Combine(root, model);
        if (!Directory.Exists(folder) || ModelFolder.FindOnnxFile(folder) is null)
        {
            throw new ModelNotFoundException(model, Id, $"No model folder '{model}' is installed under '{root}'.");
        }

        if (FindGenerator(folder) is { IsLoaded: true })
        {
            throw new ModelInUseException(model, Id, "Stop using its embedding generator and dispose the backend (or restart the application) first, then delete it.");
        }

        Directory.Delete(folder, recursive: true);
        Log.DeletedModel(_logger, model, folder);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: this backend serves embeddings only.</exception>
    public IChatClient GetChatClient(string? model = null) =>
        throw new NotSupportedException("The ONNX backend serves embeddings only; register a chat backend (Ollama, GGUF, MLX) for chat.");

    /// <inheritdoc/>
    /// <remarks>Returns at once without reading the disk; a model folder that does not exist fails the generator's first call with <see cref="ModelNotFoundException"/>.</remarks>
    /// <exception cref="ModelNotFoundException"><paramref name="model"/> is not a folder name, or no models directory is configured.</exception>
    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(string? model = null)
    {
        if (model is null || string.Equals(model, DeclaredDefaultModelId, StringComparison.OrdinalIgnoreCase))
        {
            return GetDefaultGenerator();
        }

        if (ModelsDirectory is not { } root || model.Length == 0 || model.IndexOfAny(['/', '\\']) >= 0 || model is "." or "..")
        {
            throw new ModelNotFoundException(model, Id, $"Name a model folder under '{ModelsDirectory ?? "<ModelsDirectory>"}' (see the LocalAI.Onnx README).");
        }

        var folder = Path.Combine(root, model);
        if (_directoryDefault is { Owner.Directory: { } found } directoryDefault && SameFolder(found, folder))
        {
            return directoryDefault;
        }

        return _generators.GetOrAdd(Path.GetFullPath(folder), static (_, state) => state.self.Create(state.folder, state.model, ct => state.self.LocateNamedAsync(state.folder, state.model)), (folder, model, self: this));
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        foreach (var generator in _generators.Values)
        {
            generator.Owner.Dispose();
        }

        _generators.Clear();
        _directoryDefault?.Owner.Dispose();
        _ownedHttpClient?.Dispose();
        _downloadGate.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<IReadOnlyList<ModelCatalogFile>> ChooseFilesAsync(HuggingFaceDownloader hub, string repository, CancellationToken cancellationToken)
    {
        var available = (await hub.ListFilesAsync(repository, cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var onnx = available.Contains("onnx/model.onnx") ? "onnx/model.onnx" : available.Contains("model.onnx") ? "model.onnx" : null;
        if (onnx is null)
        {
            throw new ModelNotFoundException(repository, Id, $"Repository '{repository}' has neither onnx/model.onnx nor model.onnx; pick a repository with an ONNX export.");
        }

        if (!available.Contains("tokenizer.json") && !available.Contains("vocab.txt"))
        {
            throw new ModelNotFoundException(repository, Id, $"Repository '{repository}' has neither tokenizer.json nor vocab.txt, so its model cannot tokenize; pick a sentence-transformers repository with its tokenizer.");
        }

        return [new ModelCatalogFile { Path = onnx }, .. ModelFolder.ConfigurationFiles.Where(available.Contains).Select(f => new ModelCatalogFile { Path = f })];
    }

    private static bool IsOnnxFile(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    private HttpClient HttpClient() => _httpClient ?? LazyInitializer.EnsureInitialized(ref _ownedHttpClient, () => new HttpClient());

    private Task<string> LocateNamedAsync(string folder, string model)
    {
        if (ModelFolder.FindOnnxFile(folder) is not null)
        {
            return Task.FromResult(folder);
        }

        if (_catalog.Find(model) is { } entry)
        {
            var offline = _options.HuggingFace.ResolveOffline()
                ? $" Offline mode is on (HF_HUB_OFFLINE or LocalAI:{Id}:HuggingFace:Offline): turn it off to download, or copy the model folder to '{folder}'."
                : string.Empty;
            throw new ModelNotFoundException(model, Id, $"It is in the catalog but not installed: download it with DownloadModelAsync(\"{entry.Id}\") (from {entry.Repository}).{offline}");
        }

        throw new ModelNotFoundException(model, Id, $"Put a sentence-transformers model exported to ONNX in '{folder}' (see the LocalAI.Onnx README).");
    }

    private HuggingFaceDownloader GetHub() =>
        LazyInitializer.EnsureInitialized(ref _hub, () => new HuggingFaceDownloader(Id, _options.HuggingFace, HttpClient(), _timeProvider));

    private static bool SameFolder(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);

    private OnnxBackendEmbeddingGenerator Create(string? folder, string? model, Func<CancellationToken, Task<string>> locate) =>
        new(new OnnxEmbeddingGenerator(Id, folder, model, locate, _options, _loggerFactory.CreateLogger<OnnxEmbeddingGenerator>(), _timeProvider));

    private OnnxEmbeddingGenerator? FindGenerator(string folder) =>
        _generators.GetValueOrDefault(Path.GetFullPath(folder))?.Owner
        ?? (_directoryDefault?.Owner is { Directory: { } found } owner && SameFolder(found, folder) ? owner : null);

    private OnnxBackendEmbeddingGenerator GetDefaultGenerator()
    {
        if (_options.ModelPath is { Length: > 0 } path)
        {
            return _generators.GetOrAdd(Path.GetFullPath(path), static (_, state) => state.self.Create(state.path, state.self._options.ModelId, state.self.LocateDefaultAsync), (path, self: this));
        }

        // Only a models directory: its first model folder is the default, found on the first call.
        lock (_defaultGate)
        {
            return _directoryDefault ??= Create(null, _options.ModelId, LocateDefaultAsync);
        }
    }

    private async Task<string> LocateDefaultAsync(CancellationToken cancellationToken)
    {
        if (_options.ModelPath is { Length: > 0 } path)
        {
            if (_defaultSource is not null)
            {
                await DownloadDefaultAsync(null, force: false, cancellationToken).ConfigureAwait(false);
            }

            return path;
        }

        var root = ModelsDirectory!;
        return (Directory.Exists(root)
                ? Directory.EnumerateDirectories(root).Where(d => ModelFolder.FindOnnxFile(d) is not null).Order(StringComparer.Ordinal).FirstOrDefault()
                : null)
            ?? throw new ModelNotFoundException("(default)", Id, $"No model folder with model.onnx is under '{root}'. Export a sentence-transformers model to ONNX there or set LocalAI:{Id}:ModelPath.");
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

            var source = _defaultSource!;
            var hub = ReferenceEquals(source.Hub, _options.HuggingFace) ? GetHub() : new HuggingFaceDownloader(Id, source.Hub, HttpClient(), _timeProvider);
            IReadOnlyList<ModelCatalogFile> files = _options.DownloadFiles is { Count: > 0 } named
                ? [.. named.Select(f => new ModelCatalogFile { Path = f, Optional = !IsOnnxFile(f) })]
                : await ChooseFilesAsync(hub, source.Repository, cancellationToken).ConfigureAwait(false);
            if (_options.DownloadSha256 is { Length: > 0 } pinned)
            {
                foreach (var file in files.Where(f => IsOnnxFile(f.Path)))
                {
                    file.Sha256 = pinned.Trim();
                }
            }

            Log.DownloadingFromHub(_logger, DeclaredDefaultModelId!, source.Repository, folder);
            await hub.DownloadFolderAsync(DeclaredDefaultModelId!, source.Repository, files, folder, progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _downloadGate.Release();
        }
    }
}
