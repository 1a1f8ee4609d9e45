using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LocalAI;

/// <summary>The router <see cref="IChatClient"/>: tries backends in priority order, skipping unavailable ones and those whose circuit is open, and falls back on a backend failure before any streamed update reached the caller.</summary>
/// <remarks>
/// <para>A failure before the first streamed update (or of a whole non-streaming call) moves the request to the next backend when it is
/// the backend's fault (down, slow, broken answer, missing model); a failure of the request itself (bad arguments, the caller's
/// cancellation) is passed on at once. After the first streamed update the router never switches backends; the caller gets the error.</para>
/// <para>The backend that served a response is named in <c>AdditionalProperties["localai.backend"]</c> of the response and of every
/// streamed update, in logs, and in the <c>localai.backend</c> attribute of the <c>LocalAI</c> activity and metrics.</para>
/// <para>A request whose messages hold an image (<see cref="DataContent"/> or <see cref="UriContent"/> of an <c>image/*</c> type) goes only to
/// backends with <see cref="BackendCapabilities.Vision"/>; with none left it fails with <see cref="NoBackendAvailableException"/>, never
/// falling back to a backend that would answer from the text alone.</para>
/// </remarks>
public sealed class FallbackChatClient : IChatClient
{
    private static readonly ChatClientMetadata Metadata = new("LocalAI");

    private readonly BackendManager _manager;

    /// <summary>Initializes a new instance of the <see cref="FallbackChatClient"/> class.</summary>
    /// <param name="manager">The backend manager that holds the backends and their state.</param>
    /// <exception cref="ArgumentNullException"><paramref name="manager"/> is <see langword="null"/>.</exception>
    public FallbackChatClient(BackendManager manager)
    {
        ArgumentNullException.ThrowIfNull(manager);
        _manager = manager;
    }

    /// <inheritdoc/>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var checkedMessages = ChatRequestValidation.Validate(messages, options);
        return _manager.Walk(Needs(checkedMessages), options?.ModelId).RouteAsync(
            LocalAITelemetry.ChatOperation,
            (messages: checkedMessages, options),
            static (slot, request, fallback, ct) => slot.GetResponseAsync(request.messages, request.options, fallback, ct),
            cancellationToken).AsTask();
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var checkedMessages = ChatRequestValidation.Validate(messages, options);
        var stream = await _manager.Walk(Needs(checkedMessages), options?.ModelId).RouteAsync(
            LocalAITelemetry.ChatOperation,
            (messages: checkedMessages, options),
            static (slot, request, fallback, ct) => slot.OpenStreamAsync(request.messages, request.options, fallback, ct),
            cancellationToken).ConfigureAwait(false);

        await using (stream.ConfigureAwait(false))
        {
            if (stream.HasFirst)
            {
                yield return stream.Current;
                while (await stream.MoveNextAsync().ConfigureAwait(false))
                {
                    yield return stream.Current;
                }
            }

            stream.Complete();
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(BackendManager))
        {
            return _manager;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return Metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // The backends are owned by the container (or whoever created the manager), not by the router.
    }

    /// <summary>Returns what a request needs of a backend: chat, and vision when a message holds an image, so that no backend without it drops the image and answers from the text alone.</summary>
    private static BackendCapabilities Needs(IReadOnlyList<ChatMessage> messages)
    {
        foreach (var message in messages)
        {
            foreach (var content in message.Contents)
            {
                if ((content is DataContent data && data.HasTopLevelMediaType("image")) || (content is UriContent uri && uri.HasTopLevelMediaType("image")))
                {
                    return BackendCapabilities.Chat | BackendCapabilities.Vision;
                }
            }
        }

        return BackendCapabilities.Chat;
    }
}
