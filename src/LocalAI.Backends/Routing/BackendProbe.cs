using Microsoft.Extensions.Logging;

namespace LocalAI;

/// <summary>One backend's availability as the router knows it: the cached probe result, when it goes stale, and the models the backend listed.</summary>
internal sealed class BackendProbe
{
    private readonly ILocalBackend _backend;
    private readonly LocalAIOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private HashSet<string> _models = new(StringComparer.OrdinalIgnoreCase);
    private BackendStatus? _status;
    private long _statusExpiresTicks;
    private int _refreshing;

    public BackendProbe(ILocalBackend backend, LocalAIOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _backend = backend;
        _options = options;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Raised when a probe finds the backend's availability changed: the new status and the availability before (<see langword="null"/> when never probed).</summary>
    public event Action<BackendStatus, bool?>? AvailabilityChanged;

    private string Id => _backend.Id;

    private BackendCapabilities Capabilities => _backend.Capabilities;

    public BackendStatus? Status => _status;

    public bool HasModel(string model) => _models.Contains(model);

    /// <summary>Makes the next routing decision probe again soon rather than trust a cached "available".</summary>
    public void MarkStale() => Interlocked.Exchange(ref _statusExpiresTicks, 0);

    /// <summary>Gets the status: the cached probe result while it is fresh, else a new probe.</summary>
    public Task<BackendStatus> GetStatusAsync(bool refresh, CancellationToken cancellationToken)
    {
        var status = _status;
        return !refresh && status is not null && _time.GetUtcNow().UtcTicks < Interlocked.Read(ref _statusExpiresTicks)
            ? Task.FromResult(status)
            : ProbeAsync(cancellationToken);
    }

    /// <summary>Returns the status for the router's hot path: probes inline only the first time, and refreshes a stale one in the background.</summary>
    public ValueTask<BackendStatus> GetRoutingStatusAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var status = _status;
        if (status is null)
        {
            return new ValueTask<BackendStatus>(ProbeAsync(cancellationToken));
        }

        if (now.UtcTicks >= Interlocked.Read(ref _statusExpiresTicks) && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            _ = RefreshInBackgroundAsync();
        }

        return new ValueTask<BackendStatus>(status);
    }

    private async Task RefreshInBackgroundAsync()
    {
        try
        {
            await ProbeAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private async Task<BackendStatus> ProbeAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var status = await StartAsync(started, cancellationToken).ConfigureAwait(false) ?? await AskAsync(started, cancellationToken).ConfigureAwait(false);
        if (status.ProbeLatency == TimeSpan.Zero)
        {
            status = status with { ProbeLatency = _time.GetElapsedTime(started) };
        }

        var previous = _status?.IsAvailable;
        if (status.Models.Count > 0)
        {
            // Catalog models a backend could download are listed too; only installed ones make it the backend for a model.
            _models = status.Models.Where(m => m.IsInstalled).Select(m => m.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        }

        _status = status;
        Interlocked.Exchange(ref _statusExpiresTicks, (_time.GetUtcNow() + _options.StatusCacheTtl).UtcTicks);
        if (previous != status.IsAvailable)
        {
            Log.AvailabilityChanged(_logger, Id, status.IsAvailable ? "available" : "unavailable", status.Reason);
            AvailabilityChanged?.Invoke(status, previous);
        }

        return status;
    }

    /// <summary>Awaits the start of a backend that starts something first, within its own startup budget rather than the probe timeout.</summary>
    /// <returns><see langword="null"/> when the backend is ready or starts nothing; else why it is unavailable.</returns>
    private async Task<BackendStatus?> StartAsync(long started, CancellationToken cancellationToken)
    {
        if (_backend is not IStartableBackend startable)
        {
            return null;
        }

        // The backend enforces its own StartupTimeout and reports why it failed; the probe timeout on top is only a backstop.
        var budget = startable.StartupTimeout + _options.ProbeTimeout;
        try
        {
            await startable.StartAsync(cancellationToken).WaitAsync(budget, _time, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (TimeoutException)
        {
            return BackendStatus.Unavailable(Id, $"did not start within {budget}", _time.GetElapsedTime(started), _time.GetUtcNow());
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.ProbeFailed(_logger, Id, ex);
            return BackendStatus.Unavailable(Id, ex.Message, _time.GetElapsedTime(started), _time.GetUtcNow());
        }
    }

    /// <summary>Asks the backend for its status and models, within the probe timeout.</summary>
    private async Task<BackendStatus> AskAsync(long started, CancellationToken cancellationToken)
    {
        var timeout = _options.ProbeTimeout;
        using var probeCts = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, probeCts.Token);
        BackendStatus status;
        try
        {
            status = await _backend.GetStatusAsync(linked.Token).WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
            if (status.IsAvailable && status.Models.Count == 0 && (Capabilities & (BackendCapabilities.Chat | BackendCapabilities.Embeddings)) != 0)
            {
                try
                {
                    var models = await _backend.ListModelsAsync(linked.Token).WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
                    status = status with { Models = models };
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // The model list only refines selection; the backend answered its probe.
                    Log.ProbeFailed(_logger, Id, ex);
                }
            }
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            status = BackendStatus.Unavailable(Id, $"did not answer the probe within {timeout}", _time.GetElapsedTime(started), _time.GetUtcNow());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ProbeFailed(_logger, Id, ex);
            status = BackendStatus.Unavailable(Id, ex.Message, _time.GetElapsedTime(started), _time.GetUtcNow());
        }

        return status;
    }
}
