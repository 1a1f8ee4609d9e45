using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalAI;

/// <summary>Holds the registered backends in priority order, probes their availability, tracks their circuits and lets the application switch the preferred one.</summary>
/// <remarks>The fallback router (<see cref="FallbackChatClient"/>, <see cref="FallbackEmbeddingGenerator"/>) asks this manager which backend to try next.</remarks>
public sealed class BackendManager
{
    private readonly BackendEntry[] _registered;
    private readonly LocalAIOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly object _gate = new();
    private BackendEntry[] _ordered;
    private string? _preferred;
    private int _announced;

    /// <summary>Initializes a new instance of the <see cref="BackendManager"/> class.</summary>
    /// <param name="backends">The backends in registration order.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock for probes, timeouts and circuit breaks; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">Two backends share an id, or the options name an unknown backend.</exception>
    public BackendManager(IEnumerable<ILocalBackend> backends, LocalAIOptions? options = null, ILogger<BackendManager>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(backends);
        _options = options ?? new LocalAIOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;

        var list = new List<BackendEntry>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var backend in backends)
        {
            ArgumentNullException.ThrowIfNull(backend, nameof(backends));
            if (!seen.Add(backend.Id))
            {
                throw new ArgumentException($"Two backends share the id '{backend.Id}'; each backend needs its own id.", nameof(backends));
            }

            list.Add(new BackendEntry(this, backend, list.Count, _options.Resilience, _timeProvider));
        }

        _registered = [.. list];
        foreach (var id in _options.Priority.Append(_options.PreferredBackend).OfType<string>())
        {
            if (!seen.Contains(id))
            {
                throw new ArgumentException($"LocalAI options name backend '{id}', which is not registered (registered: {string.Join(", ", seen)}).", nameof(options));
            }
        }

        _preferred = _options.PreferredBackend;
        _ordered = Order(_preferred);
    }

    /// <summary>Occurs when a backend becomes available or unavailable, or its circuit changes state.</summary>
    public event EventHandler<BackendStatusChangedEventArgs>? StatusChanged;

    /// <summary>Gets the backends in the order the router tries them now.</summary>
    public IReadOnlyList<ILocalBackend> Backends => Array.ConvertAll(_ordered, e => e.Backend);

    /// <summary>Gets the backend tried first, set by <see cref="LocalAIOptions.PreferredBackend"/> or <see cref="SwitchBackendAsync"/>; <see langword="null"/> when the priority order alone decides.</summary>
    public string? PreferredBackendId => _preferred;

    /// <summary>Gets the options in force.</summary>
    public LocalAIOptions Options => _options;

    internal TimeProvider TimeProvider => _timeProvider;

    internal ILogger Logger => _logger;

    internal BackendEntry[] OrderedEntries => _ordered;

    /// <summary>Gets a registered backend by id.</summary>
    /// <param name="id">The backend id.</param>
    /// <returns>The backend.</returns>
    /// <exception cref="ArgumentException">No backend has that id.</exception>
    public ILocalBackend GetBackend(string id) => Find(id).Backend;

    /// <summary>Gets the circuit-breaker state of a backend.</summary>
    /// <param name="id">The backend id.</param>
    /// <returns>The state.</returns>
    /// <exception cref="ArgumentException">No backend has that id.</exception>
    public BackendCircuitState GetCircuitState(string id) => Find(id).CircuitState;

    /// <summary>Gets a backend's status: the cached probe result while it is fresh, else a new probe.</summary>
    /// <param name="id">The backend id.</param>
    /// <param name="refresh"><see langword="true"/> to probe even when a fresh result is cached.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The status; a failed probe is an unavailable status, not an exception.</returns>
    /// <exception cref="ArgumentException">No backend has that id.</exception>
    public Task<BackendStatus> GetStatusAsync(string id, bool refresh = false, CancellationToken cancellationToken = default) =>
        GetStatusAsync(Find(id), refresh, cancellationToken);

    /// <summary>Gets the status of every backend, in the order the router tries them, probing them in parallel where needed.</summary>
    /// <param name="refresh"><see langword="true"/> to probe every backend even when fresh results are cached.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>One status per backend.</returns>
    public async Task<IReadOnlyList<BackendStatus>> GetAllStatusAsync(bool refresh = false, CancellationToken cancellationToken = default)
    {
        var entries = _ordered;
        var tasks = Array.ConvertAll(entries, e => GetStatusAsync(e, refresh, cancellationToken));
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>Gets the backend the router would try first for a capability: the first available one, in order, whose circuit is not open.</summary>
    /// <param name="capability">The capability needed.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The backend, or <see langword="null"/> when none is available.</returns>
    public async Task<ILocalBackend?> GetActiveBackendAsync(BackendCapabilities capability = BackendCapabilities.Chat, CancellationToken cancellationToken = default)
    {
        var now = _timeProvider.GetUtcNow();
        foreach (var entry in _ordered)
        {
            if ((entry.Capabilities & capability) != capability || entry.IsCoolingDown(now))
            {
                continue;
            }

            var status = await GetStatusAsync(entry, false, cancellationToken).ConfigureAwait(false);
            if (status.IsAvailable)
            {
                return entry.Backend;
            }
        }

        return null;
    }

    /// <summary>Makes a backend the one tried first; the others stay behind it in priority order as fallbacks.</summary>
    /// <param name="id">The backend id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The backend's status after a fresh probe.</returns>
    /// <exception cref="ArgumentException">No backend has that id.</exception>
    /// <exception cref="BackendUnavailableException">The backend does not answer its probe; the preference is left unchanged.</exception>
    public async Task<BackendStatus> SwitchBackendAsync(string id, CancellationToken cancellationToken = default)
    {
        var entry = Find(id);
        var status = await GetStatusAsync(entry, true, cancellationToken).ConfigureAwait(false);
        if (!status.IsAvailable)
        {
            throw new BackendUnavailableException($"Cannot switch to backend '{entry.Id}': {status.Reason}") { BackendId = entry.Id };
        }

        lock (_gate)
        {
            _preferred = entry.Id;
            _ordered = Order(entry.Id);
        }

        Log.Switched(_logger, entry.Id);
        return status;
    }

    /// <summary>Probes every backend and logs which one is active; called at application start by the hosted service <c>AddLocalAI</c> registers.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The status of every backend.</returns>
    public async Task<IReadOnlyList<BackendStatus>> InitializeAsync(CancellationToken cancellationToken = default)
    {
        var all = await GetAllStatusAsync(true, cancellationToken).ConfigureAwait(false);
        if (Interlocked.Exchange(ref _announced, 1) == 0)
        {
            var order = string.Join(" > ", _ordered.Select(e => e.Id));
            var active = all.FirstOrDefault(s => s.IsAvailable);
            if (active is null)
            {
                Log.NoActiveBackend(_logger, order);
            }
            else
            {
                Log.ActiveBackend(_logger, active.BackendId, order);
            }
        }

        return all;
    }

    internal async Task<BackendStatus> GetStatusAsync(BackendEntry entry, bool refresh, CancellationToken cancellationToken)
    {
        var status = entry.Status;
        if (!refresh && status is not null && _timeProvider.GetUtcNow() < entry.StatusExpiresAt)
        {
            return status;
        }

        return await ProbeAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the cached status for the router's hot path: probes inline only the first time, and refreshes a stale one in the background.</summary>
    internal ValueTask<BackendStatus> GetRoutingStatusAsync(BackendEntry entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var status = entry.Status;
        if (status is null)
        {
            return new ValueTask<BackendStatus>(ProbeAsync(entry, cancellationToken));
        }

        if (now >= entry.StatusExpiresAt && entry.TryBeginRefresh())
        {
            _ = RefreshInBackgroundAsync(entry);
        }

        return new ValueTask<BackendStatus>(status);
    }

    internal void OnCircuitChanged(BackendEntry entry, BackendCircuitState state, TimeSpan? breakDuration)
    {
        LocalAITelemetry.CircuitTransitions.Add(1, new(LocalAITelemetry.BackendTag, entry.Id), new("state", state.ToString()));
        if (breakDuration is { } duration)
        {
            Log.CircuitOpened(_logger, entry.Id, duration);
        }
        else
        {
            Log.CircuitChanged(_logger, entry.Id, state.ToString());
        }

        StatusChanged?.Invoke(this, new BackendStatusChangedEventArgs(entry.Id, entry.Status, state, entry.Status?.IsAvailable));
    }

    internal void OnServed(BackendEntry entry, string operation)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.Served(_logger, entry.Id, operation);
        }
    }

    private async Task RefreshInBackgroundAsync(BackendEntry entry)
    {
        try
        {
            await ProbeAsync(entry, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            entry.EndRefresh();
        }
    }

    private async Task<BackendStatus> ProbeAsync(BackendEntry entry, CancellationToken cancellationToken)
    {
        var timeout = _options.ProbeTimeout;
        var started = _timeProvider.GetTimestamp();
        using var probeCts = new CancellationTokenSource(timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, probeCts.Token);
        BackendStatus status;
        try
        {
            status = await entry.Backend.GetStatusAsync(linked.Token).WaitAsync(timeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            if (status.IsAvailable && status.Models.Count == 0 && (entry.Capabilities & (BackendCapabilities.Chat | BackendCapabilities.Embeddings)) != 0)
            {
                try
                {
                    var models = await entry.Backend.ListModelsAsync(linked.Token).WaitAsync(timeout, _timeProvider, cancellationToken).ConfigureAwait(false);
                    status = status with { Models = models };
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // The model list only refines selection; the backend answered its probe.
                    Log.ProbeFailed(_logger, entry.Id, ex);
                }
            }
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            status = BackendStatus.Unavailable(entry.Id, $"did not answer the probe within {timeout}", _timeProvider.GetElapsedTime(started), _timeProvider.GetUtcNow());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ProbeFailed(_logger, entry.Id, ex);
            status = BackendStatus.Unavailable(entry.Id, ex.Message, _timeProvider.GetElapsedTime(started), _timeProvider.GetUtcNow());
        }

        if (status.ProbeLatency == TimeSpan.Zero)
        {
            status = status with { ProbeLatency = _timeProvider.GetElapsedTime(started) };
        }

        if (entry.TrySetStatus(status, _timeProvider.GetUtcNow() + _options.StatusCacheTtl, out var previous))
        {
            Log.AvailabilityChanged(_logger, entry.Id, status.IsAvailable ? "available" : "unavailable", status.Reason);
            StatusChanged?.Invoke(this, new BackendStatusChangedEventArgs(entry.Id, status, entry.CircuitState, previous));
        }

        return status;
    }

    private BackendEntry Find(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        foreach (var entry in _registered)
        {
            if (string.Equals(entry.Id, id, StringComparison.OrdinalIgnoreCase))
            {
                return entry;
            }
        }

        throw new ArgumentException($"No backend '{id}' is registered (registered: {string.Join(", ", _registered.Select(e => e.Id))}).", nameof(id));
    }

    private BackendEntry[] Order(string? preferred)
    {
        var priority = _options.Priority;
        return [.. _registered
            .OrderBy(e => string.Equals(e.Id, preferred, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(e =>
            {
                var index = priority.IndexOf(priority.FirstOrDefault(p => string.Equals(p, e.Id, StringComparison.OrdinalIgnoreCase)) ?? string.Empty);
                return index < 0 ? int.MaxValue : index;
            })
            .ThenBy(e => e.Order)];
    }
}
