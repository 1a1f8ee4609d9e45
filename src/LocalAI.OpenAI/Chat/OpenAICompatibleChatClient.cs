using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LocalAI.OpenAI;

/// <summary>The chat client of an OpenAI-compatible server: Microsoft.Extensions.AI's OpenAI client, with the default model filled in, timeouts that fit local generation, and failures in the LocalAI exception family.</summary>
internal sealed class OpenAICompatibleChatClient : IChatClient
{
    /// <summary>The key of the server that served a response in <see cref="ChatResponse.AdditionalProperties"/>.</summary>
    public const string EndpointKey = "openai.endpoint";

    private readonly OpenAIEndpointPool _pool;
    private readonly string? _model;
    private readonly ChatClientMetadata _metadata;

    public OpenAICompatibleChatClient(OpenAIEndpointPool pool, string? model)
    {
        _pool = pool;
        _model = model;
        _metadata = new ChatClientMetadata(pool.Errors.BackendId, pool.Endpoints[0].Uri, model);
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var checkedMessages = ChatRequestValidation.Validate(messages, options);
        var prepared = Prepare(options);
        return _pool.RunAsync(
            _pool.Timeout,
            prepared.ModelId,
            async (endpoint, token) =>
            {
                var request = prepared.Clone();
                request.ModelId = await _pool.ResolveModelAsync(endpoint, prepared.ModelId, token).ConfigureAwait(false);
                var response = await endpoint.ChatClient(request.ModelId).GetResponseAsync(checkedMessages, request, token).ConfigureAwait(false);
                (response.AdditionalProperties ??= [])[EndpointKey] = endpoint.Uri.ToString();
                return response;
            },
            cancellationToken);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var checkedMessages = ChatRequestValidation.Validate(messages, options);
        await foreach (var update in _pool.StreamAsync(checkedMessages, Prepare(options), cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => BackendClientServices.Get(this, _metadata, serviceType, serviceKey);

    public void Dispose()
    {
        // The endpoints belong to the backend.
    }

    private ChatOptions Prepare(ChatOptions? options)
    {
        var prepared = options?.Clone() ?? new ChatOptions();
        prepared.ModelId ??= _model;
        return prepared;
    }
}
