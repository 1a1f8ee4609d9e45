using Microsoft.Extensions.AI;

namespace LocalAI.OpenAI;

/// <summary>The servers of one backend over the shared <see cref="BackendEndpointPool{TEndpoint}"/>: the least busy endpoint within its limit, a circuit per endpoint, and a retry on the next endpoint when one refuses, answers 5xx, drops the connection, sends a malformed stream or stalls before the first token.</summary>
internal sealed class OpenAIEndpointPool(OpenAIErrors errors, OpenAICompatibleBackendOptions options, TimeProvider timeProvider)
    : BackendEndpointPool<OpenAIEndpoint>(
        options.ResolveEndpoints().Select(u => new OpenAIEndpoint(u, options.ApiKey, options.ConnectTimeout)),
        options.MaxConcurrentRequestsPerEndpoint,
        options.EndpointRetryDelay,
        timeProvider)
{
    public OpenAIErrors Errors { get; } = errors;

    /// <summary>Gets how long a whole non-streaming request may take, and a stream may wait for a token.</summary>
    public TimeSpan Timeout { get; } = options.GenerationTimeout;

    /// <summary>Gets a value indicating whether a model must be listed by the endpoint's <c>/v1/models</c> before a request goes to it.</summary>
    public bool CheckModels { get; } = options.CheckModels;

    /// <summary>Streams a chat response from the least busy endpoint; a failure of the endpoint before the first update (refused, 5xx, EOF, a malformed event, no first token in time) moves to the next endpoint, nothing after it does.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The request options; the model is resolved against each endpoint's list.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The updates; the stream holds its endpoint's slot until it ends.</returns>
    public IAsyncEnumerable<ChatResponseUpdate> StreamAsync(IEnumerable<ChatMessage> messages, ChatOptions options, CancellationToken cancellationToken) =>
        StreamAsync((endpoint, token) => new OpenAIChatStream(endpoint, this, messages, options, Timeout, TimeProvider, token), cancellationToken);

    /// <summary>Returns the model a request goes to on an endpoint: checked against its list (unless <see cref="CheckModels"/> is off), or the endpoint's only model when none is named.</summary>
    public async Task<string> ResolveModelAsync(OpenAIEndpoint endpoint, string? model, CancellationToken cancellationToken) =>
        CheckModels ? await endpoint.Catalog.ResolveAsync(model, Errors, endpoint.Uri, cancellationToken).ConfigureAwait(false) : model!;

    protected override Exception TimedOut(OpenAIEndpoint endpoint, TimeSpan timeout, Exception cause) => Errors.Timeout(endpoint.Uri, timeout, streaming: false, cause);

    protected override Exception Translate(Exception exception, OpenAIEndpoint endpoint, string? model) => Errors.Translate(exception, endpoint.Uri, model);

    protected override bool IsEndpointFault(Exception exception, bool firstTokenTimeout) => OpenAIErrors.IsEndpointFault(exception, firstTokenTimeout);
}
