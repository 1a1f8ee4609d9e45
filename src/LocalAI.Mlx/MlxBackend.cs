using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalAI.Mlx;

/// <summary>The MLX backend: a Python sidecar (shipped with this package) that runs <c>mlx_lm</c>, <c>mlx_embeddings</c> or <c>sentence_transformers</c>, and <c>mlx_vlm</c>, spoken to in JSON lines over stdin/stdout.</summary>
/// <remarks>The sidecar starts on first use, serves concurrent requests on one process, restarts after a crash, and stops when the backend is disposed.</remarks>
public sealed class MlxBackend : ILocalBackend
{
    /// <summary>The id <c>AddMlx()</c> registers the backend under, and the name of its configuration section (<c>LocalAI:mlx</c>).</summary>
    public const string DefaultId = "mlx";

    private const string CatalogKind = "mlx";

    private readonly MlxBackendOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ModelCatalog _catalog;

    /// <summary>Initializes a new instance of the <see cref="MlxBackend"/> class; the sidecar starts on first use.</summary>
    /// <param name="id">The backend id: the name the router reports and the configuration section <c>LocalAI:&lt;id&gt;</c>.</param>
    /// <param name="options">The options; validated here.</param>
    /// <param name="loggerFactory">Creates the logger that also receives the sidecar's stderr; <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock for timeouts and restart backoff; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty, or an option is out of range; the message names its key.</exception>
    public MlxBackend(string id, MlxBackendOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(options);
        MlxBackendOptionsValidator.ThrowIfInvalid(id, options);
        Id = id;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _catalog = ModelCatalog.Create(CatalogKind, options.Catalog);
        Sidecar = new MlxSidecar(id, options, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<MlxBackend>(), _timeProvider);
    }

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    public BackendCapabilities Capabilities =>
        BackendCapabilities.Chat | BackendCapabilities.Embeddings | BackendCapabilities.Vision | BackendCapabilities.ModelDownload | BackendCapabilities.Streaming;

    internal MlxSidecar Sidecar { get; }

    /// <inheritdoc/>
    /// <remarks>Starts the sidecar (on a supported platform, with a Python 3.10+) and pings it; the reason of an unavailable status says what to install or set.</remarks>
    public async Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var started = _timeProvider.GetTimestamp();
        if (Sidecar.PlatformProblem() is { } problem)
        {
            return BackendStatus.Unavailable(Id, problem, _timeProvider.GetElapsedTime(started), _timeProvider.GetUtcNow());
        }

        try
        {
            var pong = await Sidecar.SendAsync("ping", null, null, cancellationToken).ConfigureAwait(false);
            var elapsed = _timeProvider.GetElapsedTime(started);
            if (pong.Capabilities is not { Count: > 0 })
            {
                var missing = pong.Missing is { Count: > 0 } list
                    ? string.Join("; ", list.Select(m => $"{m.Capability}: run `{m.Pip}`"))
                    : "the engine reports no capability";
                return BackendStatus.Unavailable(Id, $"MLX is not available: the sidecar runs on Python {pong.Python} but no engine module is installed ({missing}).", elapsed, _timeProvider.GetUtcNow());
            }

            var version = $"protocol {pong.Version}; Python {pong.Python}; engine {pong.Engine}; serves {string.Join(", ", pong.Capabilities)}";
            return BackendStatus.Available(Id, version, elapsed, _timeProvider.GetUtcNow());
        }
        catch (Exception ex) when (ex is LocalAIException or TimeoutException)
        {
            return BackendStatus.Unavailable(Id, ex.Message, _timeProvider.GetElapsedTime(started), _timeProvider.GetUtcNow());
        }
    }

    /// <inheritdoc/>
    /// <remarks>The models the sidecar lists (the Hugging Face cache, the defaults, what is loaded), with the catalog's description, tags and role where it has an entry; then the catalog's models the sidecar does not list, with <see cref="LocalModelInfo.IsInstalled"/> <see langword="false"/>.</remarks>
    public async Task<IReadOnlyList<LocalModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        var answer = await Sidecar.SendAsync("list_models", null, null, cancellationToken).ConfigureAwait(false);
        return _catalog.Complete(Id, (answer.Models ?? []).Where(m => m.Id is not null).Select(ToModelInfo));
    }

    /// <inheritdoc/>
    public async Task DownloadModelAsync(string model, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        await foreach (var line in Sidecar.StreamAsync("download", SidecarRequests.Model(model), model, cancellationToken).ConfigureAwait(false))
        {
            if (line.IsFinal)
            {
                progress?.Report(new ModelDownloadProgress(model, "success") { Percent = 100, IsCompleted = true });
            }
            else if (line.Event == "progress")
            {
                progress?.Report(new ModelDownloadProgress(model, line.Status ?? "downloading")
                {
                    Part = line.File,
                    BytesCompleted = line.Completed,
                    BytesTotal = line.Total,
                    Percent = line.Percent ?? 0,
                });
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>Returns at once; the sidecar starts on the first request.</remarks>
    public IChatClient GetChatClient(string? model = null) => new MlxChatClient(Sidecar, _options, model, _timeProvider);

    /// <inheritdoc/>
    /// <remarks>
    /// Returns at once; the sidecar starts on the first request. The metadata declares <see cref="MlxBackendOptions.EmbeddingDimensions"/> for
    /// <see cref="MlxBackendOptions.EmbeddingModel"/>; for another model it declares the dimensions once the first request has returned vectors.
    /// </remarks>
    public IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(string? model = null)
    {
        var name = model ?? _options.EmbeddingModel;
        var dimensions = string.Equals(name, _options.EmbeddingModel, StringComparison.Ordinal) ? _options.EmbeddingDimensions : (int?)null;
        return new MlxEmbeddingGenerator(Sidecar, name, dimensions, _options.EmbeddingEncoding, _timeProvider);
    }

    /// <summary>Asks the sidecar to unload a model from memory.</summary>
    /// <param name="model">The model.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when the model was loaded.</returns>
    public async Task<bool> UnloadModelAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var answer = await Sidecar.SendAsync("unload", SidecarRequests.Model(model), model, cancellationToken).ConfigureAwait(false);
        return answer.Unloaded == true;
    }

    /// <summary>Stops the sidecar gracefully (a <c>shutdown</c> line, then a kill after <see cref="MlxBackendOptions.ShutdownTimeout"/>).</summary>
    /// <returns>A task that completes when the process has exited.</returns>
    public ValueTask DisposeAsync() => Sidecar.DisposeAsync();

    private LocalModelInfo ToModelInfo(SidecarModel model) => new(model.Id!, Id)
    {
        IsInstalled = model.Installed ?? true,
        IsLoaded = model.Loaded ?? false,
        SizeBytes = model.SizeBytes,
        EmbeddingDimensions = model.Dimensions,
        Capabilities = model.Kind switch
        {
            "embeddings" => BackendCapabilities.Embeddings,
            "vision" => BackendCapabilities.Chat | BackendCapabilities.Vision | BackendCapabilities.Streaming,
            _ => BackendCapabilities.Chat | BackendCapabilities.Streaming,
        },
    };
}
