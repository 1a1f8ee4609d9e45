namespace LocalAI;

/// <summary>The endpoints of one backend (its servers) over an <see cref="EndpointPool{TEndpoint}"/>, with the time limits and the translation of failures a backend package adds: a derived class says how its failures are worded and which are the endpoint's fault.</summary>
/// <typeparam name="TEndpoint">The endpoint type (a client of one server); this class disposes the endpoints.</typeparam>
/// <remarks>
/// <para>A non-streaming request (<see cref="RunAsync{T}"/>) runs within a time limit on the least busy endpoint, and again on the next endpoint when it fails through
/// that endpoint's fault; a request that ran out of time is not sent again. A stream (<see cref="StreamAsync{TItem}"/>) moves to the next endpoint while no item has
/// arrived, a missing first token included, and never after.</para>
/// </remarks>
public abstract class BackendEndpointPool<TEndpoint> : IDisposable
    where TEndpoint : class, IDisposable
{
    /// <summary>Initializes a new instance of the <see cref="BackendEndpointPool{TEndpoint}"/> class.</summary>
    /// <param name="endpoints">The endpoints, at least one, in order of preference for ties; owned from now on.</param>
    /// <param name="maxConcurrencyPerEndpoint">How many requests one endpoint serves at once.</param>
    /// <param name="retryDelay">How long an endpoint that failed is passed over (one failure opens its circuit).</param>
    /// <param name="timeProvider">The clock of the time limits and the circuits; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="endpoints"/> is empty or lists one endpoint twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    protected BackendEndpointPool(IEnumerable<TEndpoint> endpoints, int maxConcurrencyPerEndpoint, TimeSpan retryDelay, TimeProvider? timeProvider)
    {
        TimeProvider = timeProvider ?? TimeProvider.System;
        Pool = new EndpointPool<TEndpoint>(
            endpoints,
            new EndpointPoolOptions { MaxConcurrencyPerEndpoint = maxConcurrencyPerEndpoint, FailureThreshold = 1, BreakDuration = retryDelay },
            TimeProvider);
    }

    /// <summary>Gets the shared pool: its slots, circuits and in-flight counts.</summary>
    public EndpointPool<TEndpoint> Pool { get; }

    /// <summary>Gets the endpoints, in the order given.</summary>
    public IReadOnlyList<TEndpoint> Endpoints => Pool.Endpoints;

    /// <summary>Gets the clock of the time limits and the circuits.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>Runs one non-streaming request on the least busy endpoint within <paramref name="timeout"/>, and again on the next endpoint when one fails through its own fault.</summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="timeout">The limit on the whole request on one endpoint; a request that reaches it is not retried.</param>
    /// <param name="model">The model asked for, for error messages.</param>
    /// <param name="call">Makes the request on an endpoint with a token that ends at the timeout.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The result; failures come back as <see cref="Translate"/> and <see cref="TimedOut"/> word them.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="call"/> is <see langword="null"/>.</exception>
    public Task<T> RunAsync<T>(TimeSpan timeout, string? model, Func<TEndpoint, CancellationToken, Task<T>> call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        return Pool.RunAsync(
            async (endpoint, token) =>
            {
                using var limit = new CancellationTokenSource(timeout, TimeProvider);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, limit.Token);
                try
                {
                    BeforeAttempt(linked.Token);
                    return await call(endpoint, linked.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (limit.IsCancellationRequested && !token.IsCancellationRequested)
                {
                    throw TimedOut(endpoint, timeout, ex);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    throw Translate(ex, endpoint, model);
                }
            },
            ex => IsEndpointFault(ex, firstTokenTimeout: false),
            cancellationToken);
    }

    /// <summary>Streams one response from the least busy endpoint; a failure of the endpoint before the first item (its first token included) moves to the next endpoint, nothing after it does.</summary>
    /// <typeparam name="TItem">The item (a chat update).</typeparam>
    /// <param name="open">Creates the stream on one endpoint, unread: a <see cref="StallTimeoutEnumerator{T}"/>, which bounds the wait for each item.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The items; the stream holds its endpoint's slot until it ends.</returns>
    public IAsyncEnumerable<TItem> StreamAsync<TItem>(Func<TEndpoint, CancellationToken, IAsyncEnumerator<TItem>> open, CancellationToken cancellationToken = default) =>
        Pool.StreamAsync(open, ex => IsEndpointFault(ex, firstTokenTimeout: true), cancellationToken);

    /// <summary>Returns the first endpoint whose circuit is not open, else the first one.</summary>
    /// <returns>The endpoint.</returns>
    public TEndpoint FirstAvailable() => Pool.FirstAvailable();

    /// <summary>Records that an endpoint did not answer (a probe); its circuit opens.</summary>
    /// <param name="endpoint">One of <see cref="Endpoints"/>.</param>
    public void MarkDown(TEndpoint endpoint) => Pool.ReportFailure(endpoint);

    /// <summary>Records that an endpoint answered (a probe); its circuit closes.</summary>
    /// <param name="endpoint">One of <see cref="Endpoints"/>.</param>
    public void MarkUp(TEndpoint endpoint) => Pool.ReportSuccess(endpoint);

    /// <summary>Disposes the endpoints and the pool.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the endpoints and the pool.</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        foreach (var endpoint in Pool.Endpoints)
        {
            endpoint.Dispose();
        }

        Pool.Dispose();
    }

    /// <summary>Runs before each attempt of <see cref="RunAsync{T}"/>, in its asynchronous flow, with the token that ends at its time limit (for a transport that reads an ambient token).</summary>
    /// <param name="cancellationToken">The attempt's token.</param>
    protected virtual void BeforeAttempt(CancellationToken cancellationToken)
    {
    }

    /// <summary>Describes a request abandoned at its time limit.</summary>
    /// <param name="endpoint">The endpoint it ran on.</param>
    /// <param name="timeout">The limit.</param>
    /// <param name="cause">What the cancellation interrupted.</param>
    /// <returns>The exception to throw (a <see cref="LocalAIException"/> with an inner <see cref="TimeoutException"/>).</returns>
    protected abstract Exception TimedOut(TEndpoint endpoint, TimeSpan timeout, Exception cause);

    /// <summary>Translates what the endpoint's client threw into the LocalAI exception family.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="endpoint">The endpoint it came from.</param>
    /// <param name="model">The model asked for, or <see langword="null"/>.</param>
    /// <returns>The exception to throw.</returns>
    protected abstract Exception Translate(Exception exception, TEndpoint endpoint, string? model);

    /// <summary>Returns whether a failure (as <see cref="Translate"/> or <see cref="TimedOut"/> made it) is the endpoint's own, so the request may go to the next endpoint.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="firstTokenTimeout"><see langword="true"/> for a stream, where a time-out means no first token came; a whole request that ran out of time is not sent again.</param>
    /// <returns><see langword="true"/> to count the failure and try the next endpoint.</returns>
    protected abstract bool IsEndpointFault(Exception exception, bool firstTokenTimeout);
}
