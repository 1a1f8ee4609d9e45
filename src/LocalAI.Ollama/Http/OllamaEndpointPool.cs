using Microsoft.Extensions.AI;

namespace LocalAI.Ollama;

/// <summary>The Ollama servers of one backend over the shared <see cref="EndpointPool{TEndpoint}"/>: the least busy endpoint within its limit, a circuit per endpoint, and a retry on the next endpoint when one refuses, answers 5xx, drops the connection or stalls before the first token.</summary>
internal sealed class OllamaEndpointPool : IDisposable
{
    private readonly EndpointPool<OllamaEndpoint> _pool;
    private readonly TimeProvider _timeProvider;

    public OllamaEndpointPool(OllamaErrors errors, OllamaBackendOptions options, TimeProvider timeProvider)
    {
        Errors = errors;
        _timeProvider = timeProvider;
        OllamaEndpoint[] endpoints = [.. options.ResolveEndpoints().Select(u => new OllamaEndpoint(u, options.ConnectTimeout, options.DefaultModel))];
        _pool = new EndpointPool<OllamaEndpoint>(
            endpoints,
            new EndpointPoolOptions
            {
                MaxConcurrencyPerEndpoint = options.MaxConcurrentRequestsPerEndpoint,
                FailureThreshold = 1,
                BreakDuration = options.EndpointRetryDelay,
            },
            timeProvider);
    }

    public IReadOnlyList<OllamaEndpoint> Endpoints => _pool.Endpoints;

    public OllamaErrors Errors { get; }

    /// <summary>Gets the shared pool, for its circuit states.</summary>
    public EndpointPool<OllamaEndpoint> Pool => _pool;

    /// <summary>Runs one non-streaming request on the least busy endpoint within <paramref name="timeout"/>, and again on the next endpoint when one fails through its own fault (refused, 5xx, dropped connection).</summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="timeout">The limit on the whole request on one endpoint; a request that reaches it is not retried.</param>
    /// <param name="modelId">The model asked for, for error messages.</param>
    /// <param name="call">Makes the request on an endpoint with a token that ends at the timeout.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The result; failures come back in the LocalAI exception family.</returns>
    public Task<T> RunAsync<T>(TimeSpan timeout, string? modelId, Func<OllamaEndpoint, CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        _pool.RunAsync(
            async (endpoint, token) =>
            {
                using var limit = new CancellationTokenSource(timeout, _timeProvider);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, limit.Token);
                ResponseCancellation.Set(linked.Token);
                try
                {
                    return await call(endpoint, linked.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (limit.IsCancellationRequested && !token.IsCancellationRequested)
                {
                    throw Errors.Timeout(endpoint.Uri, timeout, streaming: false, ex);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    throw Errors.Translate(ex, endpoint.Uri, modelId);
                }
            },
            static ex => OllamaErrors.IsEndpointFault(ex, firstTokenTimeout: false),
            cancellationToken);

    /// <summary>Opens a chat stream on the least busy endpoint and reads its first update; a failure of the endpoint before that (refused, 5xx, an error line, EOF, no first token in time) moves to the next endpoint.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The request options, model filled in.</param>
    /// <param name="idleTimeout">The longest wait for each update.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The stream, positioned on its first update; it owns its endpoint's slot.</returns>
    public Task<OllamaChatStream> OpenStreamAsync(IEnumerable<ChatMessage> messages, ChatOptions options, TimeSpan idleTimeout, CancellationToken cancellationToken) =>
        _pool.OpenAsync(
            async (lease, token) =>
            {
                var stream = new OllamaChatStream(lease, Errors, idleTimeout, _timeProvider, options.ModelId, token);
                try
                {
                    stream.Start(messages, options);
                    if (!await stream.MoveNextAsync().ConfigureAwait(false))
                    {
                        throw new BackendProtocolException($"Ollama at {lease.Endpoint.Uri} ended the stream without sending anything.") { BackendId = Errors.BackendId };
                    }

                    return stream;
                }
                catch
                {
                    await stream.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            },
            static ex => OllamaErrors.IsEndpointFault(ex, firstTokenTimeout: true),
            cancellationToken);

    /// <summary>Returns the first endpoint whose circuit is not open, else the first one.</summary>
    public OllamaEndpoint FirstAvailable() => _pool.FirstAvailable();

    public void MarkDown(OllamaEndpoint endpoint) => _pool.ReportFailure(endpoint);

    public void MarkUp(OllamaEndpoint endpoint) => _pool.ReportSuccess(endpoint);

    public void Dispose()
    {
        foreach (var endpoint in _pool.Endpoints)
        {
            endpoint.Dispose();
        }

        _pool.Dispose();
    }
}
