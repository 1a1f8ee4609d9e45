using Microsoft.Extensions.Logging;

namespace LocalAI;

/// <summary>The one walk over the backends in priority order that the chat router, the embedding router and <see cref="BackendManager.GetActiveBackendAsync"/> share.</summary>
/// <remarks>
/// A candidate serves the capability, was not excluded by the request (tried already, or another embedding model), is not cooling
/// down, and answered its last probe. Backends that list the requested model come first. When only cooling-down backends are
/// left, the walk waits for the earliest one, within <see cref="LocalAIOptions.MaxWaitForRecovery"/>.
/// </remarks>
internal readonly struct CandidateWalk
{
    private readonly BackendSlot[] _slots;
    private readonly BackendCapabilities _capability;
    private readonly string? _model;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxWait;
    private readonly ILogger _logger;

    public CandidateWalk(BackendSlot[] slots, BackendCapabilities capability, string? model, TimeProvider timeProvider, TimeSpan maxWaitForRecovery, ILogger logger)
    {
        _slots = slots;
        _capability = capability;
        _model = model;
        _time = timeProvider;
        _maxWait = maxWaitForRecovery;
        _logger = logger;
    }

    /// <summary>Gets the backends in the order the walk visits them.</summary>
    public BackendSlot[] Slots => _slots;

    /// <summary>Returns the next backend to try, or <see langword="null"/> when none is left; completes synchronously unless a backend must be probed for the first time or every backend is cooling down.</summary>
    /// <param name="excluded">The mask of backends (<see cref="BackendSlot.Bit"/>) this request must not try.</param>
    /// <param name="waitForRecovery">Whether to wait for a cooling-down backend when nothing else is left.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The backend, or <see langword="null"/>.</returns>
    public ValueTask<BackendSlot?> NextAsync(ulong excluded, bool waitForRecovery, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        for (var pass = _model is null ? 1 : 0; pass < 2; pass++)
        {
            foreach (var slot in _slots)
            {
                if ((excluded & slot.Bit) != 0
                    || !slot.Serves(_capability)
                    || (pass == 0 && !slot.HasModel(_model!))
                    || slot.IsCoolingDown(now))
                {
                    continue;
                }

                var status = slot.GetRoutingStatusAsync(now, cancellationToken);
                if (!status.IsCompletedSuccessfully)
                {
                    return AfterProbeAsync(status, excluded, waitForRecovery, cancellationToken);
                }

                if (status.Result.IsAvailable)
                {
                    return new ValueTask<BackendSlot?>(slot);
                }
            }
        }

        if (!waitForRecovery || Earliest(excluded, now) is not { } earliest)
        {
            return new ValueTask<BackendSlot?>((BackendSlot?)null);
        }

        var delay = earliest.OpenUntil - now;
        return delay > _maxWait
            ? new ValueTask<BackendSlot?>((BackendSlot?)null)
            : AfterRecoveryAsync(earliest, delay, excluded, cancellationToken);
    }

    /// <summary>Walks the candidates for one request: calls <paramref name="attempt"/> on each until one succeeds, moving on after a failure that is the backend's fault.</summary>
    /// <typeparam name="TState">What the attempt needs from the request.</typeparam>
    /// <typeparam name="TResult">What the attempt returns.</typeparam>
    /// <param name="operation">The operation, for the exception when no backend is left (for example <c>chat</c>).</param>
    /// <param name="state">What the attempt needs from the request.</param>
    /// <param name="attempt">Calls one backend: the slot, the state, whether an earlier backend failed for this request, the caller's token.</param>
    /// <param name="cancellationToken">The caller's token; its cancellation is never a reason to fall back.</param>
    /// <returns>The first successful result.</returns>
    /// <exception cref="NoBackendAvailableException">Every backend failed or was passed by; the exception says why for each.</exception>
    public async ValueTask<TResult> RouteAsync<TState, TResult>(
        string operation, TState state, Func<BackendSlot, TState, bool, CancellationToken, ValueTask<TResult>> attempt, CancellationToken cancellationToken)
    {
        var tried = 0UL;
        List<BackendAttempt>? attempts = null;
        while (true)
        {
            var slot = await NextAsync(tried, waitForRecovery: true, cancellationToken).ConfigureAwait(false)
                ?? throw new NoBackendAvailableException(operation, Explain(attempts));
            try
            {
                return await attempt(slot, state, attempts is not null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (FallbackPolicy.ShouldFallBack(ex, cancellationToken))
            {
                tried |= slot.Bit;
                (attempts ??= []).Add(FallingBack(slot, ex));
            }
        }
    }

    /// <summary>Records that a request moves on from <paramref name="slot"/> after <paramref name="failure"/>: the fallback counter, a log line and the attempt to report.</summary>
    /// <param name="slot">The backend that failed.</param>
    /// <param name="failure">Its failure.</param>
    /// <returns>The attempt, for <see cref="NoBackendAvailableException.Attempts"/>.</returns>
    public BackendAttempt FallingBack(BackendSlot slot, Exception failure)
    {
        var reason = FallbackPolicy.Describe(failure);
        LocalAITelemetry.Fallbacks.Add(1, new KeyValuePair<string, object?>(LocalAITelemetry.BackendTag, slot.Id));
        Log.FallingBack(_logger, slot.Id, reason);
        return new BackendAttempt(slot.Id, reason, failure);
    }

    /// <summary>Says for every backend why the request did not get an answer from it: the failure of its attempt, else why it was passed by.</summary>
    /// <param name="attempts">What the request tried, and the other exclusions it recorded (for example another embedding model).</param>
    /// <returns>One entry per backend, in priority order.</returns>
    public List<BackendAttempt> Explain(List<BackendAttempt>? attempts)
    {
        var now = _time.GetUtcNow();
        var reasons = new List<BackendAttempt>(_slots.Length);
        foreach (var slot in _slots)
        {
            var tried = attempts?.Find(a => string.Equals(a.BackendId, slot.Id, StringComparison.OrdinalIgnoreCase));
            reasons.Add(tried ?? new BackendAttempt(slot.Id, slot.SkipReason(_capability, now) ?? "not tried"));
        }

        return reasons;
    }

    private BackendSlot? Earliest(ulong excluded, DateTimeOffset now)
    {
        BackendSlot? earliest = null;
        foreach (var slot in _slots)
        {
            if ((excluded & slot.Bit) == 0
                && slot.Serves(_capability)
                && slot.IsCoolingDown(now)
                && slot.CircuitState != BackendCircuitState.Isolated
                && (earliest is null || slot.OpenUntil < earliest.OpenUntil))
            {
                earliest = slot;
            }
        }

        return earliest;
    }

    private async ValueTask<BackendSlot?> AfterProbeAsync(ValueTask<BackendStatus> pending, ulong excluded, bool waitForRecovery, CancellationToken cancellationToken)
    {
        await pending.ConfigureAwait(false);
        return await NextAsync(excluded, waitForRecovery, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<BackendSlot?> AfterRecoveryAsync(BackendSlot earliest, TimeSpan delay, ulong excluded, CancellationToken cancellationToken)
    {
        Log.WaitingForRecovery(_logger, earliest.Id, delay);
        await Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, _time, cancellationToken).ConfigureAwait(false);
        return await NextAsync(excluded, true, cancellationToken).ConfigureAwait(false);
    }
}
