using Microsoft.Extensions.AI;

namespace LocalAI.Ollama;

/// <summary>The Ollama servers of one backend: hands each request the endpoint with the fewest requests in flight, within its concurrency limit, and moves on to another endpoint when one refuses the connection.</summary>
internal sealed class OllamaEndpointPool : IDisposable
{
    private readonly OllamaEndpoint[] _endpoints;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _retryDelay;

    public OllamaEndpointPool(OllamaErrors errors, OllamaBackendOptions options, TimeProvider timeProvider)
    {
        Errors = errors;
        _timeProvider = timeProvider;
        _retryDelay = options.EndpointRetryDelay;
        _endpoints = [.. options.ResolveEndpoints().Select(u => new OllamaEndpoint(u, options.MaxConcurrentRequestsPerEndpoint, options.ConnectTimeout, options.DefaultModel))];
    }

    public IReadOnlyList<OllamaEndpoint> Endpoints => _endpoints;

    public OllamaErrors Errors { get; }

    /// <summary>Runs one non-streaming request on the least busy endpoint within <paramref name="timeout"/>, moving on to another endpoint when one refuses the connection.</summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="timeout">The limit on the whole request.</param>
    /// <param name="modelId">The model asked for, for error messages.</param>
    /// <param name="call">Makes the request on an endpoint with a token that ends at the timeout.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The result; failures come back in the LocalAI exception family.</returns>
    public async Task<T> RunAsync<T>(TimeSpan timeout, string? modelId, Func<OllamaEndpoint, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        List<OllamaEndpoint>? tried = null;
        while (true)
        {
            using var lease = await AcquireAsync(tried, cancellationToken).ConfigureAwait(false) ?? throw Errors.NoEndpointLeft();
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
                throw Errors.Timeout(endpoint.Uri, timeout, streaming: false, ex);
            }
            catch (Exception ex) when (OllamaErrors.IsConnectFailure(ex))
            {
                lease.MarkDown();
                (tried ??= []).Add(endpoint);
                if (tried.Count >= _endpoints.Length)
                {
                    throw Errors.Translate(ex, endpoint.Uri, modelId);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw Errors.Translate(ex, endpoint.Uri, modelId);
            }
        }
    }

    /// <summary>Opens a chat stream on the least busy endpoint and reads its first update; a connection refused before that moves to the next endpoint.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The request options, model filled in.</param>
    /// <param name="idleTimeout">The longest wait for each update.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The stream, positioned on its first update.</returns>
    public async Task<OllamaChatStream> OpenStreamAsync(IEnumerable<ChatMessage> messages, ChatOptions options, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        List<OllamaEndpoint>? tried = null;
        while (true)
        {
            var lease = await AcquireAsync(tried, cancellationToken).ConfigureAwait(false) ?? throw Errors.NoEndpointLeft();
            var stream = new OllamaChatStream(lease, Errors, idleTimeout, _timeProvider, options.ModelId, cancellationToken);
            try
            {
                stream.Start(messages, options);
                if (!await stream.MoveNextAsync().ConfigureAwait(false))
                {
                    throw new BackendProtocolException($"Ollama at {lease.Endpoint.Uri} ended the stream without sending anything.") { BackendId = Errors.BackendId };
                }

                return stream;
            }
            catch (LocalAIException ex) when (ex.InnerException is { } inner && OllamaErrors.IsConnectFailure(inner) && (tried?.Count ?? 0) + 1 < _endpoints.Length)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                lease.MarkDown();
                (tried ??= []).Add(lease.Endpoint);
            }
            catch
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Returns the first endpoint not marked down, else the first one.</summary>
    public OllamaEndpoint FirstAvailable()
    {
        var now = _timeProvider.GetUtcNow();
        return _endpoints.FirstOrDefault(e => !e.IsDown(now)) ?? _endpoints[0];
    }

    public void MarkDown(OllamaEndpoint endpoint) => endpoint.MarkDown(_timeProvider.GetUtcNow() + _retryDelay);

    public void Dispose()
    {
        foreach (var endpoint in _endpoints)
        {
            endpoint.Dispose();
        }
    }

    /// <summary>Waits for a slot on the least busy endpoint not in <paramref name="exclude"/>; endpoints that refused a connection recently come last.</summary>
    /// <returns>The lease, or <see langword="null"/> when every endpoint is excluded.</returns>
    private async ValueTask<EndpointLease?> AcquireAsync(List<OllamaEndpoint>? exclude, CancellationToken cancellationToken)
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
}
