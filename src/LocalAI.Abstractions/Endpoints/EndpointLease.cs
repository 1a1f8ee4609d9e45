namespace LocalAI;

/// <summary>A slot on one endpoint of an <see cref="EndpointPool{TEndpoint}"/>, held for the length of one request; disposing it frees the slot.</summary>
/// <typeparam name="TEndpoint">The endpoint type.</typeparam>
public sealed class EndpointLease<TEndpoint> : IDisposable
    where TEndpoint : class
{
    private readonly EndpointPool<TEndpoint> _pool;
    private readonly EndpointSlot _slot;
    private int _released;

    internal EndpointLease(EndpointPool<TEndpoint> pool, EndpointSlot slot, TEndpoint endpoint)
    {
        _pool = pool;
        _slot = slot;
        Endpoint = endpoint;
    }

    /// <summary>Gets the endpoint the request runs on.</summary>
    public TEndpoint Endpoint { get; }

    /// <summary>Records that the endpoint answered; its circuit closes.</summary>
    public void ReportSuccess() => _pool.ReportSuccess(Endpoint);

    /// <summary>Records that the endpoint failed (refused, crashed, answered 5xx, stalled); its circuit counts the failure.</summary>
    public void ReportFailure() => _pool.ReportFailure(Endpoint);

    /// <summary>Frees the slot; a second call does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _slot.Release();
        }
    }
}
