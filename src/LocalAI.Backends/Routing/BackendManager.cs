using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalAI;

/// <summary>Holds the registered backends in priority order, probes their availability, tracks their circuits and lets the application switch the preferred one.</summary>
/// <remarks>The fallback router (<see cref="FallbackChatClient"/>, <see cref="FallbackEmbeddingGenerator"/>) asks this manager which backend to try next.</remarks>
public sealed class BackendManager
{
    private readonly BackendSlot[] _registered;
    private readonly LocalAIOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private BackendSlot[] _ordered;
    private string? _preferred;
    private int _announced;

    /// <summary>Initializes a new instance of the <see cref="BackendManager"/> class.</summary>
    /// <param name="backends">The backends in registration order.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock for probes, timeouts and circuit breaks; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">Two backends share an id, there are more than 64, or the options name an unknown backend.</exception>
    public BackendManager(IEnumerable<ILocalBackend> backends, LocalAIOptions? options = null, ILogger<BackendManager>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(backends);
        _options = options ?? new LocalAIOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;

        var list = new List<BackendSlot>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var backend in backends)
        {
            ArgumentNullException.ThrowIfNull(backend, nameof(backends));
            if (!seen.Add(backend.Id))
            {
                throw new ArgumentException($"Two backends share the id '{backend.Id}'; each backend needs its own id.", nameof(backends));
            }

            if (list.Count == BackendSlot.MaxSlots)
            {
                throw new ArgumentException($"At most {BackendSlot.MaxSlots} backends can be registered; put several endpoints of one server kind behind one backend instead.", nameof(backends));
            }

            var slot = new BackendSlot(backend, list.Count, _options, _timeProvider, _logger);
            slot.Changed += (_, e) => StatusChanged?.Invoke(this, e);
            list.Add(slot);
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
    public IReadOnlyList<ILocalBackend> Backends => Array.ConvertAll(_ordered, s => s.Backend);

    /// <summary>Gets the backend tried first, set by <see cref="LocalAIOptions.PreferredBackend"/> or <see cref="SwitchBackendAsync"/>; <see langword="null"/> when the priority order alone decides.</summary>
    public string? PreferredBackendId => _preferred;

    /// <summary>Gets the options in force.</summary>
    public LocalAIOptions Options => _options;

    internal ILogger Logger => _logger;

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
        Find(id).GetStatusAsync(refresh, cancellationToken);

    /// <summary>Gets the status of every backend, in the order the router tries them, probing them in parallel where needed.</summary>
    /// <param name="refresh"><see langword="true"/> to probe every backend even when fresh results are cached.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>One status per backend.</returns>
    public async Task<IReadOnlyList<BackendStatus>> GetAllStatusAsync(bool refresh = false, CancellationToken cancellationToken = default)
    {
        var slots = _ordered;
        var tasks = Array.ConvertAll(slots, s => s.GetStatusAsync(refresh, cancellationToken));
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>Lists the models of every backend, grouped by backend with its status; a backend that fails to list is reported in its entry, not thrown.</summary>
    /// <param name="refresh"><see langword="true"/> to probe every backend even when fresh statuses are cached.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The listing, backends in the order the router tries them.</returns>
    public async Task<ModelListing> ListAllModelsAsync(bool refresh = false, CancellationToken cancellationToken = default)
    {
        var slots = _ordered;
        var entries = await Task.WhenAll(Array.ConvertAll(slots, s => ListAsync(s, refresh, cancellationToken))).ConfigureAwait(false);
        var backends = new Dictionary<string, BackendModels>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < slots.Length; i++)
        {
            backends[slots[i].Id] = entries[i];
        }

        return new ModelListing(backends);
    }

    /// <summary>Gets the backend the router would try first for a capability: the first available one, in order, whose circuit is not open.</summary>
    /// <param name="capability">The capability needed.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The backend, or <see langword="null"/> when none is available.</returns>
    public async Task<ILocalBackend?> GetActiveBackendAsync(BackendCapabilities capability = BackendCapabilities.Chat, CancellationToken cancellationToken = default)
    {
        var slot = await Walk(capability, null).NextAsync(0, waitForRecovery: false, cancellationToken).ConfigureAwait(false);
        return slot?.Backend;
    }

    /// <summary>Makes a backend the one tried first; the others stay behind it in priority order as fallbacks.</summary>
    /// <param name="id">The backend id.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The backend's status after a fresh probe.</returns>
    /// <exception cref="ArgumentException">No backend has that id.</exception>
    /// <exception cref="BackendUnavailableException">The backend does not answer its probe; the preference is left unchanged.</exception>
    public async Task<BackendStatus> SwitchBackendAsync(string id, CancellationToken cancellationToken = default)
    {
        var slot = Find(id);
        var status = await slot.GetStatusAsync(true, cancellationToken).ConfigureAwait(false);
        if (!status.IsAvailable)
        {
            throw new BackendUnavailableException($"Cannot switch to backend '{slot.Id}': {status.Reason}") { BackendId = slot.Id };
        }

        lock (_gate)
        {
            _preferred = slot.Id;
            _ordered = Order(slot.Id);
        }

        Log.Switched(_logger, slot.Id);
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
            var order = string.Join(" > ", _ordered.Select(s => s.Id));
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

    private static async Task<BackendModels> ListAsync(BackendSlot slot, bool refresh, CancellationToken cancellationToken)
    {
        var status = await slot.GetStatusAsync(refresh, cancellationToken).ConfigureAwait(false);
        try
        {
            var models = await slot.Backend.ListModelsAsync(cancellationToken).ConfigureAwait(false);
            return new BackendModels(status, models, [.. models.Where(m => m.IsInstalled)], null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new BackendModels(status, [], [], $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>Starts a walk over the backends in the order they are tried now.</summary>
    internal CandidateWalk Walk(BackendCapabilities capability, string? model) =>
        new(_ordered, capability, model, _timeProvider, _options.MaxWaitForRecovery, _logger);

    private BackendSlot Find(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        foreach (var slot in _registered)
        {
            if (string.Equals(slot.Id, id, StringComparison.OrdinalIgnoreCase))
            {
                return slot;
            }
        }

        throw new ArgumentException($"No backend '{id}' is registered (registered: {string.Join(", ", _registered.Select(s => s.Id))}).", nameof(id));
    }

    private BackendSlot[] Order(string? preferred)
    {
        var priority = _options.Priority;
        return [.. _registered
            .OrderBy(s => string.Equals(s.Id, preferred, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(s =>
            {
                var index = priority.IndexOf(priority.FirstOrDefault(p => string.Equals(p, s.Id, StringComparison.OrdinalIgnoreCase)) ?? string.Empty);
                return index < 0 ? int.MaxValue : index;
            })
            .ThenBy(s => s.Index)];
    }
}
