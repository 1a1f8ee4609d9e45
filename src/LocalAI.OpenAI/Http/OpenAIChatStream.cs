using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LocalAI.OpenAI;

/// <summary>One streamed chat response from one server: the model resolved against that server's list, the shared wait limit for each token, the check that the stream ends with a finish reason, and this backend's wording of failures.</summary>
internal sealed class OpenAIChatStream(
    OpenAIEndpoint endpoint, OpenAIEndpointPool pool, IEnumerable<ChatMessage> messages, ChatOptions options, TimeSpan idleTimeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    : StallTimeoutEnumerator<ChatResponseUpdate>(idleTimeout, timeProvider, cancellationToken)
{
    private readonly string _served = endpoint.Uri.ToString();

    protected override async IAsyncEnumerable<ChatResponseUpdate> Open([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = options.Clone();
        request.ModelId = await pool.ResolveModelAsync(endpoint, options.ModelId, cancellationToken).ConfigureAwait(false);
        await foreach (var update in endpoint.ChatClient(request.ModelId).GetStreamingResponseAsync(messages, request, cancellationToken).ConfigureAwait(false))
        {
            (update.AdditionalProperties ??= [])[OpenAICompatibleChatClient.EndpointKey] = _served;
            yield return update;
        }
    }

    protected override bool IsLast(ChatResponseUpdate item) => item.FinishReason is not null;

    protected override Exception Stalled(Exception? cause) => pool.Errors.Timeout(endpoint.Uri, StallTimeout, streaming: true, cause);

    protected override Exception Failed(Exception exception) => pool.Errors.Translate(exception, endpoint.Uri, options.ModelId) switch
    {
        LocalAIException translated => translated,
        _ => new BackendProtocolException($"The OpenAI-compatible server at {endpoint.Uri} failed mid-stream: {exception.Message}", exception) { BackendId = pool.Errors.BackendId },
    };

    protected override Exception EndedEarly() => pool.Errors.EndedWithoutFinish(endpoint.Uri);
}
