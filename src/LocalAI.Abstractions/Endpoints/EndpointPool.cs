using System.Runtime.CompilerServices;

namespace LocalAI;

/// <summary>The endpoints of one backend (several servers, or several workers of one): hands each request the endpoint with the fewest requests in flight within its concurrency limit, keeps a circuit per endpoint, and retries a request on the next endpoint when one fails it.</summary>
/// <typeparam name="TEndpoint">The endpoint type (a client of one server); compared by reference.</typeparam>
/// <remarks>
/// <para>Selection: among the endpoints not yet tried for the request, those whose circuit is closed or half-open come first, then open
/// ones; within each group the one with the fewest requests holding or waiting for a slot, ties in list order. A request waits
/// for a slot when its endpoint is at <see cref="EndpointPoolOptions.MaxConcurrencyPerEndpoint"/>.</para>
/// <para>Circuit: <see cref="EndpointPoolOptions.FailureThreshold"/> failures in a row open an endpoint's circuit for
/// <see cref="EndpointPoolOptions.BreakDuration"/>; a success closes it. An open endpoint is passed over, never refused: when every
/// endpoint is open the request still goes to one, so the backend's own circuit (in the router) decides whether the backend is down.</para>
/// <para>Retry: when the attempt throws and the caller's classifier says the endpoint is at fault (refused connection, a 5xx, an end of
/// stream or a time-out before the first token), the failure is counted and the request runs again on the next endpoint not yet tried;
/// the failure of the last one is thrown. Any other failure (a bad request, a missing model, the caller's cancellation) is thrown at once
/// and not counted.</para>
/// </remarks>
public sealed class EndpointPool<TEndpoint> : IDisposable
    where TEndpoint : class
{
    private readonly TEndpoint[] _endpoints;
    private readonly EndpointSlot[] _slots;
    private readonly EndpointPoolOptions _options;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="EndpointPool{TEndpoint}"/> class.</summary>
    /// <param name="endpoints">The endpoints, at least one, in order of preference for ties.</param>
    /// <param name="options">The settings; read once here.</param>
    /// <param name="timeProvider">The clock of the circuits; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> or <paramref name="options"/> is <see langword="null"/>, or holds <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="endpoints"/> is empty or lists one endpoint twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public EndpointPool(IEnumerable<TEndpoint> endpoints, EndpointPoolOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid(nameof(options));
        _endpoints = [.. endpoints];
        if (_endpoints.Length == 0)
        {
            throw new ArgumentException("An endpoint pool needs at least one endpoint.", nameof(endpoints));
        }

        foreach (var endpoint in _endpoints)
        {
            ArgumentNullException.ThrowIfNull(endpoint, nameof(endpoints));
        }

        if (_endpoints.Distinct(ReferenceEqualityComparer.Instance).Count() != _endpoints.Length)
        {
            throw new ArgumentException("An endpoint is listed twice.", nameof(endpoints));
        }

        _options = new EndpointPoolOptions
        {
            MaxConcurrencyPerEndpoint = options.MaxConcurrencyPerEndpoint,
            FailureThreshold = options.FailureThreshold,
            BreakDuration = options.BreakDuration,
        };
        _timeProvider = timeProvider ?? TimeProvider.System;
        _slots = [.. _endpoints.Select(_ => new EndpointSlot(_options.MaxConcurrencyPerEndpoint))];
    }

    /// <summary>Gets the endpoints, in the order given.</summary>
    public IReadOnlyList<TEndpoint> Endpoints => _endpoints;

    /// <summary>Returns the circuit state of an endpoint.</summary>
    /// <param name="endpoint">One of <see cref="Endpoints"/>.</param>
    /// <returns>Its state now.</returns>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not one of this pool's.</exception>
    public EndpointCircuitState GetCircuitState(TEndpoint endpoint) => SlotOf(endpoint).GetState(_timeProvider.GetUtcNow());

    /// <summary>Returns how many requests hold or wait for a slot on an endpoint.</summary>
    /// <param name="endpoint">One of <see cref="Endpoints"/>.</param>
    /// <returns>The count now.</returns>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not one of this pool's.</exception>
    public int GetInFlight(TEndpoint endpoint) => SlotOf(endpoint).InFlight;

    /// <summary>Returns the first endpoint whose circuit is not open, else the first endpoint; for one-off calls that need no slot (a probe, a model description).</summary>
    /// <returns>The endpoint.</returns>
    public TEndpoint FirstAvailable()
    {
        var now = _timeProvider.GetUtcNow();
        for (var i = 0; i < _endpoints.Length; i++)
        {
            if (_slots[i].GetState(now) != EndpointCircuitState.Open)
            {
                return _endpoints[i];
            }
        }

        return _endpoints[0];
    }

    /// <summary>Records that an endpoint answered; its circuit closes.</summary>
    /// <param name="endpoint">One of <see cref="Endpoints"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not one of this pool's.</exception>
    public void ReportSuccess(TEndpoint endpoint) => SlotOf(endpoint).Succeeded();

    /// <summary>Records that an endpoint failed; after <see cref="EndpointPoolOptions.FailureThreshold"/> in a row its circuit opens.</summary>
    /// <param name="endpoint">One of <see cref="Endpoints"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not one of this pool's.</exception>
    public void ReportFailure(TEndpoint endpoint) => SlotOf(endpoint).Failed(_options.FailureThreshold, _timeProvider.GetUtcNow() + _options.BreakDuration);

    /// <summary>Waits for a slot on the best endpoint not in <paramref name="exclude"/>.</summary>
    /// <param name="exclude">Endpoints not to use (those already tried); <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The lease, or <see langword="null"/> when every endpoint is excluded.</returns>
    public async ValueTask<EndpointLease<TEndpoint>?> AcquireAsync(IReadOnlyCollection<TEndpoint>? exclude = null, CancellationToken cancellationToken = default)
    {
        var now = _timeProvider.GetUtcNow();
        var best = -1;
        var bestOpen = true;
        for (var i = 0; i < _endpoints.Length; i++)
        {
            if (exclude is not null && exclude.Contains(_endpoints[i], ReferenceEqualityComparer.Instance))
            {
                continue;
            }

            var open = _slots[i].GetState(now) == EndpointCircuitState.Open;
            if (best < 0 || (bestOpen && !open) || (open == bestOpen && _slots[i].InFlight < _slots[best].InFlight))
            {
                best = i;
                bestOpen = open;
            }
        }

        if (best < 0)
        {
            return null;
        }

        await _slots[best].EnterAsync(cancellationToken).ConfigureAwait(false);
        return new EndpointLease<TEndpoint>(this, _slots[best], _endpoints[best]);
    }

    /// <summary>Runs one request on the best endpoint, holding a slot for its length, and on the next endpoint when <paramref name="isEndpointFailure"/> says an attempt failed through the endpoint's fault.</summary>
    /// <typeparam name="TResult">The result.</typeparam>
    /// <param name="attempt">Makes the request on one endpoint.</param>
    /// <param name="isEndpointFailure">Says whether a failure is the endpoint's (retry elsewhere, count it) rather than the request's (throw at once).</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The first attempt's result that did not fail.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="attempt"/> or <paramref name="isEndpointFailure"/> is <see langword="null"/>.</exception>
    public Task<TResult> RunAsync<TResult>(
        Func<TEndpoint, CancellationToken, Task<TResult>> attempt, Func<Exception, bool> isEndpointFailure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return RunCoreAsync((lease, ct) => attempt(lease.Endpoint, ct), isEndpointFailure, keepLease: false, cancellationToken);
    }

    /// <summary>Opens something that outlives the call (a stream) on the best endpoint, retrying on the next endpoint like <see cref="RunAsync{TResult}"/>; on success the result owns the lease and disposes it.</summary>
    /// <typeparam name="TResult">The opened thing, positioned so that a failure through the endpoint's fault has already shown (a stream's first item read).</typeparam>
    /// <param name="open">Opens on one endpoint; it receives the lease it takes ownership of when it returns.</param>
    /// <param name="isEndpointFailure">Says whether a failure is the endpoint's (retry elsewhere, count it) rather than the request's (throw at once).</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The first result opened without failing; the pool records the endpoint's success.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="open"/> or <paramref name="isEndpointFailure"/> is <see langword="null"/>.</exception>
    public Task<TResult> OpenAsync<TResult>(
        Func<EndpointLease<TEndpoint>, CancellationToken, Task<TResult>> open, Func<Exception, bool> isEndpointFailure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(open);
        return RunCoreAsync(open, isEndpointFailure, keepLease: true, cancellationToken);
    }

    /// <summary>Streams one response from the best endpoint, holding a slot until the stream ends: the stream is opened and its first item read on one endpoint, and on the next endpoint when <paramref name="isEndpointFailure"/> says that failed through the endpoint's fault; from the first item on, every failure is the caller's and nothing is retried.</summary>
    /// <typeparam name="TItem">The item (a chat update).</typeparam>
    /// <param name="open">Creates the stream on one endpoint, unread (a <see cref="StallTimeoutEnumerator{T}"/> bounds the wait for its first item); it is read and disposed here.</param>
    /// <param name="isEndpointFailure">Says whether a failure before the first item is the endpoint's (retry elsewhere, count it) rather than the request's (throw at once).</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The items of the first endpoint that sent one; the endpoint's success is recorded at the first item and again at the end.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="open"/> or <paramref name="isEndpointFailure"/> is <see langword="null"/>.</exception>
    public IAsyncEnumerable<TItem> StreamAsync<TItem>(
        Func<TEndpoint, CancellationToken, IAsyncEnumerator<TItem>> open, Func<Exception, bool> isEndpointFailure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(isEndpointFailure);
        return StreamCoreAsync(open, isEndpointFailure, cancellationToken);
    }

    /// <summary>Frees the slots' semaphores; the endpoints themselves belong to the caller.</summary>
    public void Dispose()
    {
        foreach (var slot in _slots)
        {
            slot.Dispose();
        }
    }

    private async Task<TResult> RunCoreAsync<TResult>(
        Func<EndpointLease<TEndpoint>, CancellationToken, Task<TResult>> attempt, Func<Exception, bool> isEndpointFailure, bool keepLease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(isEndpointFailure);
        List<TEndpoint>? tried = null;
        while (true)
        {
            var lease = await AcquireAsync(tried, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("Every endpoint was tried.");
            var handedOver = false;
            try
            {
                var result = await attempt(lease, cancellationToken).ConfigureAwait(false);
                lease.ReportSuccess();
                handedOver = keepLease;
                return result;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested) && isEndpointFailure(ex))
            {
                lease.ReportFailure();
                (tried ??= []).Add(lease.Endpoint);
                if (tried.Count >= _endpoints.Length)
                {
                    throw;
                }
            }
            finally
            {
                if (!handedOver)
                {
                    lease.Dispose();
                }
            }
        }
    }

    private async IAsyncEnumerable<TItem> StreamCoreAsync<TItem>(
        Func<TEndpoint, CancellationToken, IAsyncEnumerator<TItem>> open, Func<Exception, bool> isEndpointFailure, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (lease, stream, any) = await OpenAsync(
            async (lease, token) =>
            {
                var stream = open(lease.Endpoint, token);
                try
                {
                    return (lease, stream, await stream.MoveNextAsync().ConfigureAwait(false));
                }
                catch
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            },
            isEndpointFailure,
            cancellationToken).ConfigureAwait(false);
        try
        {
            if (!any)
            {
                yield break;
            }

            yield return stream.Current;
            while (await stream.MoveNextAsync().ConfigureAwait(false))
            {
                yield return stream.Current;
            }

            lease.ReportSuccess();
        }
        finally
        {
            try
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                lease.Dispose();
            }
        }
    }

    private EndpointSlot SlotOf(TEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        for (var i = 0; i < _endpoints.Length; i++)
        {
            if (ReferenceEquals(_endpoints[i], endpoint))
            {
                return _slots[i];
            }
        }

        throw new ArgumentException("The endpoint is not one of this pool's.", nameof(endpoint));
    }
}
