using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LocalAI.Gguf;

/// <summary>The <see cref="IChatClient"/> of the GGUF backend: streams tokens generated in-process by llama.cpp; the model is loaded on the first request that needs it.</summary>
internal sealed class GgufChatClient : IChatClient
{
    private readonly GgufBackend _backend;
    private readonly string? _defaultModel;

    public GgufChatClient(GgufBackend backend, string? defaultModel)
    {
        _backend = backend;
        _defaultModel = defaultModel;
        Metadata = new ChatClientMetadata(backend.Id, null, defaultModel ?? backend.DefaultChatModelId);
    }

    public ChatClientMetadata Metadata { get; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
        }

        return updates.ToChatResponse();
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var checkedMessages = ChatRequestValidation.Validate(messages, options);
        return StreamAsync(checkedMessages, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        // The backend owns the models; a client is a view on it.
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var model = await _backend.GetChatModelAsync(options?.ModelId ?? _defaultModel, cancellationToken).ConfigureAwait(false);
        await foreach (var update in model.GenerateAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }
}
