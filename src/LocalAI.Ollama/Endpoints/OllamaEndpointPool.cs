namespace LocalAI.Ollama.Endpoints;

/// <summary>The Ollama servers of one backend: hands each request the endpoint with the fewest requests in flight, within its concurrency limit.</summary>
internal sealed class OllamaEndpointPool : IDisposable
{
    private readonly OllamaEndpoint[] _endpoints;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _retryDelay;

    public OllamaEndpointPool(OllamaOptions options, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _retryDelay = options.EndpointRetryDelay;
        _endpoints = [.. options.ResolveEndpoints().Select(u => new OllamaEndpoint(u, options.MaxConcurrentRequestsPerEndpoint, options.ConnectTimeout, options.DefaultModel))];
    }

    public IReadOnlyList<OllamaEndpoint> Endpoints => _endpoints;

    public TimeProvider TimeProvider => _timeProvider;

    /// <summary>Waits for a slot on the least busy endpoint not in <paramref name="exclude"/>; endpoints that refused a connection recently come last.</summary>
    /// <returns>The lease, or <see langword="null"/> when every endpoint is excluded.</returns>
    public async ValueTask<EndpointLease?> AcquireAsync(IReadOnlyCollection<OllamaEndpoint>? exclude, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        OllamaEndpoint? best = null;
        var bestDown = true;
        foreach (var endpoint in _endpoints)
        {
            if (exclude is not null && exclude.Contains(endpoint))
            {
                continue;
            }

            var down = endpoint.IsDown(now);
            if (best is null || (bestDown && !down) || (down == bestDown && endpoint.Pending < best.Pending))
            {
                best = endpoint;
                bestDown = down;
            }
        }

        if (best is null)
        {
            return null;
        }

        best.AddPending();
        try
        {
            await best.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            best.RemovePending();
            throw;
        }

        return new EndpointLease(this, best);
    }

    public void MarkDown(OllamaEndpoint endpoint) => endpoint.MarkDown(_timeProvider.GetUtcNow() + _retryDelay);

    public void Dispose()
    {
        foreach (var endpoint in _endpoints)
        {
            endpoint.Dispose();
        }
    }
}
