using System.Text.Json;

namespace LocalAI.Mlx;

/// <summary>Writes the bodies of the sidecar's requests (everything but <c>id</c> and <c>command</c>), field by field as the protocol names them.</summary>
internal static class SidecarRequests
{
    /// <summary>The body of <c>download</c>, <c>load</c> and <c>unload</c>: the model alone.</summary>
    public static Action<Utf8JsonWriter> Model(string model) => w => w.WriteString("model", model);

    /// <summary>The body of a batched <c>embed</c>.</summary>
    public static Action<Utf8JsonWriter> Embed(string model, MlxEmbeddingEncoding encoding, IReadOnlyList<string> texts) => w =>
    {
        w.WriteString("model", model);
        w.WriteString("encoding", encoding == MlxEmbeddingEncoding.Base64 ? "base64" : "float");
        w.WriteStartArray("texts");
        foreach (var text in texts)
        {
            w.WriteStringValue(text);
        }

        w.WriteEndArray();
    };

    /// <summary>The body of a streamed <c>chat</c>; images travel as base64 strings.</summary>
    public static Action<Utf8JsonWriter> Chat(SidecarChatRequest request) => w =>
    {
        w.WriteString("model", request.Model);
        w.WriteBoolean("stream", true);
        w.WriteStartArray("messages");
        foreach (var message in request.Messages)
        {
            w.WriteStartObject();
            w.WriteString("role", message.Role);
            w.WriteString("content", message.Content);
            if (message.Images is { } images)
            {
                w.WriteStartArray("images");
                foreach (var image in images)
                {
                    w.WriteBase64StringValue(image.Span);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (request.Temperature is { } temperature)
        {
            w.WriteNumber("temperature", temperature);
        }

        if (request.TopP is { } topP)
        {
            w.WriteNumber("top_p", topP);
        }

        if (request.MaxTokens is { } maxTokens)
        {
            w.WriteNumber("max_tokens", maxTokens);
        }

        if (request.Seed is { } seed)
        {
            w.WriteNumber("seed", seed);
        }

        if (request.Stop is { Count: > 0 } stops)
        {
            w.WriteStartArray("stop");
            foreach (var stop in stops)
            {
                w.WriteStringValue(stop);
            }

            w.WriteEndArray();
        }
    };
}
