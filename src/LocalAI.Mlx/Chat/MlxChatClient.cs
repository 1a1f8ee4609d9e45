using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using LocalAI.Mlx.Sidecar;
using Microsoft.Extensions.AI;

namespace LocalAI.Mlx.Chat;

/// <summary>An <see cref="IChatClient"/> served by the MLX sidecar: streamed tokens, usage, and images through <see cref="DataContent"/>.</summary>
internal sealed class MlxChatClient : IChatClient
{
    private readonly MlxSidecar _sidecar;
    private readonly MlxBackendOptions _options;
    private readonly string? _model;
    private readonly ChatClientMetadata _metadata;

    public MlxChatClient(MlxSidecar sidecar, MlxBackendOptions options, string? model)
    {
        _sidecar = sidecar;
        _options = options;
        _model = model;
        _metadata = new ChatClientMetadata(MlxBackend.DefaultId, null, model ?? options.ChatModel);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        if (list.Count == 0)
        {
            throw new ArgumentException("Send at least one message.", nameof(messages));
        }

        var hasImages = list.Any(m => m.Contents.OfType<DataContent>().Any());
        var model = options?.ModelId ?? _model ?? (hasImages ? _options.VisionModel : _options.ChatModel);
        var responseId = Guid.NewGuid().ToString("N");
        await foreach (var line in _sidecar.StreamAsync("chat", w => WriteRequest(w, model, list, options), model, cancellationToken).ConfigureAwait(false))
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
                    CreatedAt = DateTimeOffset.UtcNow,
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

    private static void WriteRequest(Utf8JsonWriter writer, string model, IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        writer.WriteString("model", model);
        writer.WriteBoolean("stream", true);
        writer.WriteStartArray("messages");
        var text = new StringBuilder();
        foreach (var message in messages)
        {
            writer.WriteStartObject();
            writer.WriteString("role", message.Role.Value);
            text.Clear();
            List<DataContent>? images = null;
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent t:
                        text.Append(t.Text);
                        break;
                    case DataContent d when d.HasTopLevelMediaType("image"):
                        (images ??= []).Add(d);
                        break;
                    case DataContent d:
                        throw new NotSupportedException($"The MLX backend takes images in messages, not '{d.MediaType}' content.");
                    default:
                        break;
                }
            }

            writer.WriteString("content", text.ToString());
            if (images is not null)
            {
                writer.WriteStartArray("images");
                foreach (var image in images)
                {
                    writer.WriteBase64StringValue(image.Data.Span);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (options is null)
        {
            return;
        }

        if (options.Temperature is { } temperature)
        {
            writer.WriteNumber("temperature", temperature);
        }

        if (options.TopP is { } topP)
        {
            writer.WriteNumber("top_p", topP);
        }

        if (options.MaxOutputTokens is { } maxTokens)
        {
            writer.WriteNumber("max_tokens", maxTokens);
        }

        if (options.Seed is { } seed)
        {
            writer.WriteNumber("seed", seed);
        }

        if (options.StopSequences is { Count: > 0 } stops)
        {
            writer.WriteStartArray("stop");
            foreach (var stop in stops)
            {
                writer.WriteStringValue(stop);
            }

            writer.WriteEndArray();
        }
    }
}
