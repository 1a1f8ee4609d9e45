using Microsoft.Extensions.AI;

namespace LocalAI.Ollama;

/// <summary>The Ollama servers of one backend over the shared <see cref="BackendEndpointPool{TEndpoint}"/>: the least busy endpoint within its limit, a circuit per endpoint, and a retry on the next endpoint when one refuses, answers 5xx, drops the connection or stalls before the first token.</summary>
internal sealed class OllamaEndpointPool(OllamaErrors errors, OllamaBackendOptions options, TimeProvider timeProvider)
    : BackendEndpointPool<OllamaEndpoint>(
        options.ResolveEndpoints().Select(u => new OllamaEndpoint(u, options.ConnectTimeout, options.DefaultModel)),
        options.MaxConcurrentRequestsPerEndpoint,
        options.EndpointRetryDelay,
        timeProvider)
{
    public OllamaErrors Errors { get; } = errors;

    /// <summary>Streams a chat response from the least busy endpoint; a failure of the endpoint before the first update (refused, 5xx, an error line, EOF, no first token in time) moves to the next endpoint, nothing after it does.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The request options, model filled in.</param>
    /// <param name="idleTimeout">The longest wait for each update.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The updates; the stream holds its endpoint's slot until it ends.</returns>
    public IAsyncEnumerable<ChatResponseUpdate> StreamAsync(IEnumerable<ChatMessage> messages, ChatOptions options, TimeSpan idleTimeout, CancellationToken cancellationToken) =>
        StreamAsync((endpoint, token) => new OllamaChatStream(endpoint, Errors, messages, options, idleTimeout, TimeProvider, token), cancellationToken);

    /// <summary>Hands the attempt's token to <see cref="OllamaResponseHandler"/>, which reads the body with it (HttpClient's own is gone once the headers are in).</summary>
    protected override void BeforeAttempt(CancellationToken cancellationToken) => ResponseCancellation.Set(cancellationToken);

    protected override Exception TimedOut(OllamaEndpoint endpoint, TimeSpan timeout, Exception cause) => Errors.Timeout(endpoint.Uri, timeout, streaming: false, cause);

    protected override Exception Translate(Exception exception, OllamaEndpoint endpoint, string? model) => Errors.Translate(exception, endpoint.Uri, model);

    protected override bool IsEndpointFault(Exception exception, bool firstTokenTimeout) => OllamaErrors.IsEndpointFault(exception, firstTokenTimeout);
}
