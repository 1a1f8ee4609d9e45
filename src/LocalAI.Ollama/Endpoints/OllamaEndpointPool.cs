using LocalAI.Ollama.Chat;

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

    /// <summary>Runs one non-streaming request on the least busy endpoint within <paramref name="timeout"/>, moving on to another endpoint when one refuses the connection.</summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="backendId">The backend, for error messages.</param>
    /// <param name="timeout">The limit on the whole request.</param>
    /// <param name="modelId">The model asked for, for error messages.</param>
    /// <param name="call">Makes the request on an endpoint with a token that ends at the timeout.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The result; failures come back in the LocalAI exception family.</returns>
    public async Task<T> RunAsync<T>(
        string backendId, TimeSpan timeout, string? modelId, Func<OllamaEndpoint, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        List<OllamaEndpoint>? tried = null;
        while (true)
        {
            using var lease = await AcquireAsync(tried, cancellationToken).ConfigureAwait(false)
                ?? throw new BackendUnavailableException($"No Ollama endpoint of backend '{backendId}' is left to try.") { BackendId = backendId };
            var endpoint = lease.Endpoint;
            using var limit = new CancellationTokenSource(timeout, _timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
            ResponseCancellation.Set(linked.Token);
            try
            {
                var result = await call(endpoint, linked.Token).ConfigureAwait(false);
                endpoint.MarkUp();
                return result;
            }
            catch (Exception ex) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw OllamaErrors.Timeout(backendId, endpoint.Uri, timeout, streaming: false).WithInner(ex);
            }
            catch (Exception ex) when (OllamaErrors.IsConnectFailure(ex))
            {
                lease.MarkDown();
                (tried ??= []).Add(endpoint);
                if (tried.Count >= _endpoints.Length)
                {
                    throw OllamaErrors.Translate(ex, backendId, endpoint.Uri, modelId);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw OllamaErrors.Translate(ex, backendId, endpoint.Uri, modelId);
            }
        }
    }

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
