using Microsoft.Extensions.AI;
using OllamaSharp.Models.Chat;

namespace LocalAI.Ollama;

/// <summary>One streamed chat response on one endpoint: the shared wait limit for each token, the check that the stream ends with Ollama's <c>done</c> line, and Ollama's wording of failures.</summary>
internal sealed class OllamaChatStream(
    OllamaEndpoint endpoint, OllamaErrors errors, IEnumerable<ChatMessage> messages, ChatOptions options, TimeSpan idleTimeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    : StallTimeoutEnumerator<ChatResponseUpdate>(idleTimeout, timeProvider, cancellationToken)
{
    protected override IAsyncEnumerable<ChatResponseUpdate> Open(CancellationToken cancellationToken)
    {
        // The response handler reads the body with this token (HttpClient's own is gone once the headers are in).
        ResponseCancellation.Set(cancellationToken);
        return endpoint.ChatClient.GetStreamingResponseAsync(messages, options, cancellationToken);
    }

    protected override bool IsLast(ChatResponseUpdate item) => item.RawRepresentation is ChatResponseStream { Done: true };

    protected override Exception Stalled(Exception? cause) => errors.Timeout(endpoint.Uri, StallTimeout, streaming: true, cause);

    protected override Exception Failed(Exception exception) => errors.Translate(exception, endpoint.Uri, options.ModelId) switch
    {
        LocalAIException translated => translated,
        _ => new BackendProtocolException($"Ollama at {endpoint.Uri} failed mid-stream: {exception.Message}", exception) { BackendId = errors.BackendId },
    };

    protected override Exception EndedEarly() => new BackendProtocolException(
        $"Ollama at {endpoint.Uri} ended the stream before its final 'done' line; the response is incomplete. The server may have crashed; check its log.")
    { BackendId = errors.BackendId };
}
