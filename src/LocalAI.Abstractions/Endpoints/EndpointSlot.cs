namespace LocalAI;

/// <summary>The state an <see cref="EndpointPool{TEndpoint}"/> keeps per endpoint: its slots, the requests holding or waiting for one, and its circuit.</summary>
internal sealed class EndpointSlot(int maxConcurrency) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(maxConcurrency, maxConcurrency);
    private int _inFlight;
    private int _failures;
    private long _openUntilTicks;

    /// <summary>Gets the requests holding or waiting for a slot.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public EndpointCircuitState GetState(DateTimeOffset now)
    {
        var until = Interlocked.Read(ref _openUntilTicks);
        return until == 0 ? EndpointCircuitState.Closed : now.UtcTicks < until ? EndpointCircuitState.Open : EndpointCircuitState.HalfOpen;
    }

    public async ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _inFlight);
            throw;
        }
    }

    public void Release()
    {
        _slots.Release();
        Interlocked.Decrement(ref _inFlight);
    }

    public void Succeeded()
    {
        Interlocked.Exchange(ref _failures, 0);
        Interlocked.Exchange(ref _openUntilTicks, 0);
    }

    public void Failed(int threshold, DateTimeOffset openUntil)
    {
        if (Interlocked.Increment(ref _failures) >= threshold)
        {
            // Never 0, which means closed.
            Interlocked.Exchange(ref _openUntilTicks, Math.Max(1, openUntil.UtcTicks));
        }
    }

    public void Dispose() => _slots.Dispose();
}
