namespace LocalAI.Council;

/// <summary>Limits concurrent generations per endpoint; shared by every session of one council.</summary>
internal sealed class EndpointLimiter : IDisposable
{
    private readonly Dictionary<string, SemaphoreSlim> _gates = new(StringComparer.OrdinalIgnoreCase);

    public EndpointLimiter(IEnumerable<string> endpoints, IDictionary<string, int> limits, int defaultLimit)
    {
        foreach (var endpoint in endpoints.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var limit = limits.TryGetValue(endpoint, out var l) ? l : defaultLimit;
            if (limit > 0)
            {
                _gates[endpoint] = new SemaphoreSlim(limit, limit);
            }
        }
    }

    /// <summary>Waits for a slot on the endpoint; the returned lease releases it.</summary>
    public async ValueTask<Lease> AcquireAsync(string endpoint, CancellationToken cancellationToken)
    {
        if (!_gates.TryGetValue(endpoint, out var gate))
        {
            return default;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Lease(gate);
    }

    public void Dispose()
    {
        foreach (var gate in _gates.Values)
        {
            gate.Dispose();
        }
    }

    /// <summary>A held slot.</summary>
    internal readonly struct Lease(SemaphoreSlim? gate) : IDisposable
    {
        public void Dispose() => gate?.Release();
    }
}
