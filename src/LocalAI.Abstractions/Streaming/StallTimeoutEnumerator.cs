namespace LocalAI;

/// <summary>Reads a streamed response with a limit on the wait for each item, the first one included, on a <see cref="TimeProvider"/>; checks that the stream ends with its last item, and lets the backend word every failure.</summary>
/// <typeparam name="T">The item type (a chat update).</typeparam>
/// <remarks>
/// <para>The wait limit starts when the enumerator is created, so it also bounds connecting and the server's time to its first token; each item
/// starts it again, so a stream that keeps sending is never cut. A backend derives from this class once and supplies the source and the wording
/// of its failures; <see cref="EndpointPool{TEndpoint}.StreamAsync{TItem}"/> retries the opening on the next endpoint.</para>
/// <para>What <see cref="MoveNextAsync"/> throws: <see cref="Stalled"/> when the limit was reached; an <see cref="OperationCanceledException"/> when the
/// caller cancelled (also when the cancellation surfaced as an I/O error of the closed response); <see cref="Failed"/> for any other failure of the
/// source; <see cref="EndedEarly"/> when the source ended without an item <see cref="IsLast"/> accepts.</para>
/// </remarks>
public abstract class StallTimeoutEnumerator<T> : IAsyncEnumerator<T>
{
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _stall;
    private readonly CancellationTokenSource _linked;
    private readonly ITimer _stallTimer;
    private IAsyncEnumerator<T>? _source;
    private bool _sawLast;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="StallTimeoutEnumerator{T}"/> class; the wait limit starts now.</summary>
    /// <param name="stallTimeout">The longest wait for each item.</param>
    /// <param name="timeProvider">The clock of the limit; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stallTimeout"/> is not positive.</exception>
    protected StallTimeoutEnumerator(TimeSpan stallTimeout, TimeProvider? timeProvider, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(stallTimeout, TimeSpan.Zero);
        StallTimeout = stallTimeout;
        _callerToken = cancellationToken;
        _stall = new CancellationTokenSource();
        _stallTimer = (timeProvider ?? TimeProvider.System).CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), _stall, stallTimeout, Timeout.InfiniteTimeSpan);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stall.Token);
    }

    /// <summary>Gets the item the last successful <see cref="MoveNextAsync"/> read.</summary>
    public T Current { get; private set; } = default!;

    /// <summary>Gets the longest wait for each item.</summary>
    protected TimeSpan StallTimeout { get; }

    /// <summary>Reads the next item within the wait limit.</summary>
    /// <returns><see langword="true"/> when an item was read; <see langword="false"/> when the stream ended after its last item.</returns>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async ValueTask<bool> MoveNextAsync()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        bool has;
        try
        {
            // Opened in this flow, so what the source sets up (an ambient token, the request) sees the limit from the start.
            _source ??= Open(_linked.Token).GetAsyncEnumerator(_linked.Token);
            has = await _source.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (_stall.IsCancellationRequested && !_callerToken.IsCancellationRequested)
        {
            throw Stalled(ex);
        }
        catch (Exception ex) when (_callerToken.IsCancellationRequested)
        {
            // The caller cancelled: the source saw its linked token, or the response was closed under the pending read.
            throw new OperationCanceledException("The stream was cancelled.", ex, _callerToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw Failed(ex);
        }

        if (!has)
        {
            _callerToken.ThrowIfCancellationRequested();
            if (_stall.IsCancellationRequested)
            {
                throw Stalled(null);
            }

            if (!_sawLast)
            {
                throw EndedEarly();
            }

            return false;
        }

        var item = _source.Current;
        _sawLast |= IsLast(item);

        // An item arrived: the stream is alive, so the limit starts again.
        _stallTimer.Change(StallTimeout, Timeout.InfiniteTimeSpan);
        Current = item;
        return true;
    }

    /// <summary>Stops the source and the limit's timer; a second call does nothing.</summary>
    /// <returns>A task that completes when the source is disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (_source is not null)
            {
                await _source.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            await _stallTimer.DisposeAsync().ConfigureAwait(false);
            _linked.Dispose();
            _stall.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Starts the response; called once, on the first <see cref="MoveNextAsync"/>, in its asynchronous flow.</summary>
    /// <param name="cancellationToken">The token the source must observe: cancelled by the caller, or when the wait limit is reached.</param>
    /// <returns>The items as the backend's client streams them.</returns>
    protected abstract IAsyncEnumerable<T> Open(CancellationToken cancellationToken);

    /// <summary>Returns whether an item is one a complete stream ends with (a finish reason, a <c>done</c> line).</summary>
    /// <param name="item">The item read.</param>
    /// <returns><see langword="true"/> when the stream may end after it.</returns>
    protected abstract bool IsLast(T item);

    /// <summary>Describes a stream abandoned at the wait limit.</summary>
    /// <param name="cause">What the cancellation interrupted, or <see langword="null"/> when the source just ended.</param>
    /// <returns>The exception to throw (a <see cref="LocalAIException"/> with an inner <see cref="TimeoutException"/>, so a router tells it apart).</returns>
    protected abstract Exception Stalled(Exception? cause);

    /// <summary>Translates a failure of the source (a refused connection, an HTTP error, a malformed event, a dropped connection).</summary>
    /// <param name="exception">What the source threw.</param>
    /// <returns>The exception to throw.</returns>
    protected abstract Exception Failed(Exception exception);

    /// <summary>Describes a stream that ended before its last item: the response is incomplete.</summary>
    /// <returns>The exception to throw.</returns>
    protected abstract Exception EndedEarly();
}
