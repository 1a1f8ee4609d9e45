using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace LocalAI.Mlx;

/// <summary>An <see cref="IChatClient"/> served by the MLX sidecar: streamed tokens, usage, and images through <see cref="DataContent"/>.</summary>
internal sealed class MlxChatClient : IChatClient
{
    private readonly MlxSidecar _sidecar;
    private readonly MlxBackendOptions _options;
    private readonly string? _model;
    private readonly TimeProvider _timeProvider;
    private readonly ChatClientMetadata _metadata;

    public MlxChatClient(MlxSidecar sidecar, MlxBackendOptions options, string? model, TimeProvider timeProvider)
    {
        _sidecar = sidecar;
        _options = options;
        _model = model;
        _timeProvider = timeProvider;
        _metadata = new ChatClientMetadata(sidecar.BackendId, null, model ?? options.ChatModel);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = ChatRequestValidation.Validate(messages, options);

        var hasImages = list.Any(m => m.Contents.OfType<DataContent>().Any());
        var model = options?.ModelId ?? _model ?? (hasImages ? _options.VisionModel : _options.ChatModel);
        var request = ToRequest(model, list, options);
        var responseId = Guid.NewGuid().ToString("N");
        await foreach (var line in _sidecar.StreamAsync("chat", SidecarRequests.Chat(request), model, cancellationToken).ConfigureAwait(false))
        {
            if (line.IsFinal)
            {
                var usage = new UsageDetails
                {
                    InputTokenCount = line.Usage?.PromptTokens,
                    OutputTokenCount = line.Usage?.CompletionTokens,
                    TotalTokenCount = (line.Usage?.PromptTokens ?? 0) + (line.Usage?.CompletionTokens ?? 0),
                };
                yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(usage)])
                {
                    ModelId = line.Model ?? model,
                    ResponseId = responseId,
                    MessageId = responseId,
                    FinishReason = line.FinishReason switch
                    {
                        "length" => ChatFinishReason.Length,
                        null or "stop" => ChatFinishReason.Stop,
                        var other => new ChatFinishReason(other),
                    },
                    CreatedAt = _timeProvider.GetUtcNow(),
                };
            }
            else if (line.Event == "token" && line.Text is { } text)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, text)
                {
                    ModelId = model,
                    ResponseId = responseId,
                    MessageId = responseId,
                };
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        // The backend owns the sidecar.
    }

    /// <summary>Maps the conversation to a sidecar request: the text of each message and its images; other data is refused before anything is sent.</summary>
    private static SidecarChatRequest ToRequest(string model, IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        var mapped = new List<SidecarChatMessage>(messages.Count);
        var text = new StringBuilder();
        foreach (var message in messages)
        {
            text.Clear();
            List<ReadOnlyMemory<byte>>? images = null;
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent t:
                        text.Append(t.Text);
                        break;
                    case DataContent d when d.HasTopLevelMediaType("image"):
                        (images ??= []).Add(d.Data);
                        break;
                    case DataContent d:
                        throw new NotSupportedException($"The MLX backend takes images in messages, not '{d.MediaType}' content.");
                    default:
                        break;
                }
            }

            mapped.Add(new SidecarChatMessage(message.Role.Value, text.ToString(), images));
        }

        return new SidecarChatRequest(model, mapped)
        {
            Temperature = options?.Temperature,
            TopP = options?.TopP,
            MaxTokens = options?.MaxOutputTokens,
            Seed = options?.Seed,
            Stop = options?.StopSequences is { Count: > 0 } stops ? [.. stops] : null,
        };
    }
}
