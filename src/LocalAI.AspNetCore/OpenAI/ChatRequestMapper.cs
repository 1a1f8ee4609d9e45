using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LocalAI.AspNetCore;

/// <summary>Checks a chat completions request and turns it into Microsoft.Extensions.AI messages and options; every refusal names the field.</summary>
internal static class ChatRequestMapper
{
    public static (List<ChatMessage> Messages, ChatOptions Options) Map(ChatCompletionRequest request)
    {
        if (request.Messages is not { Count: > 0 } wire)
        {
            throw HttpError.BadRequest("messages", "'messages' must be a non-empty array of messages.", "missing_required_parameter");
        }

        var messages = new List<ChatMessage>(wire.Count);
        for (var i = 0; i < wire.Count; i++)
        {
            messages.Add(MapMessage(wire[i], i));
        }

        return (messages, MapOptions(request));
    }

    private static ChatOptions MapOptions(ChatCompletionRequest request)
    {
        if (request.N is { } n && n != 1)
        {
            throw HttpError.BadRequest("n", $"'n' must be 1 (was {n}): this server returns one choice per request.");
        }

        if (request.Tools is { ValueKind: not JsonValueKind.Null })
        {
            throw HttpError.BadRequest("tools", "'tools' is not supported by this server; call the model without tools.", "not_supported");
        }

        var options = new ChatOptions { ModelId = string.IsNullOrWhiteSpace(request.Model) ? null : request.Model };
        var max = request.MaxCompletionTokens ?? request.MaxTokens;
        if (max is { } tokens)
        {
            if (tokens <= 0)
            {
                throw HttpError.BadRequest(request.MaxCompletionTokens is null ? "max_tokens" : "max_completion_tokens", $"The token limit must be positive (was {tokens}).");
            }

            options.MaxOutputTokens = tokens;
        }

        options.Temperature = Range(request.Temperature, "temperature", 0f, 2f);
        options.TopP = Range(request.TopP, "top_p", 0f, 1f);
        options.FrequencyPenalty = Range(request.FrequencyPenalty, "frequency_penalty", -2f, 2f);
        options.PresencePenalty = Range(request.PresencePenalty, "presence_penalty", -2f, 2f);
        options.Seed = request.Seed;
        options.StopSequences = MapStop(request.Stop);
        options.ResponseFormat = MapFormat(request.ResponseFormat);
        return options;
    }

    private static float? Range(float? value, string param, float min, float max)
    {
        if (value is { } v && (float.IsNaN(v) || v < min || v > max))
        {
            throw HttpError.BadRequest(param, $"'{param}' must be between {min} and {max} (was {v}).");
        }

        return value;
    }

    private static List<string>? MapStop(JsonElement? stop)
    {
        switch (stop)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return null;
            case { ValueKind: JsonValueKind.String } one:
                return [one.GetString()!];
            case { ValueKind: JsonValueKind.Array } many:
                var list = new List<string>();
                foreach (var item in many.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        throw HttpError.BadRequest($"stop[{list.Count}]", "'stop' must be a string or an array of strings.");
                    }

                    list.Add(item.GetString()!);
                }

                if (list.Count > 4)
                {
                    throw HttpError.BadRequest("stop", $"'stop' may hold at most 4 sequences (was {list.Count}).");
                }

                return list;
            default:
                throw HttpError.BadRequest("stop", "'stop' must be a string or an array of strings.");
        }
    }

    private static ChatResponseFormat? MapFormat(ResponseFormatRequest? format)
    {
        switch (format?.Type)
        {
            case null when format is null:
                return null;
            case "text":
                return ChatResponseFormat.Text;
            case "json_object":
                return ChatResponseFormat.Json;
            case "json_schema":
                if (format.JsonSchema?.Schema is not { ValueKind: JsonValueKind.Object } schema)
                {
                    throw HttpError.BadRequest("response_format.json_schema.schema", "'response_format' of type 'json_schema' needs 'json_schema.schema', a JSON Schema object.", "missing_required_parameter");
                }

                return ChatResponseFormat.ForJsonSchema(schema.Clone(), format.JsonSchema.Name, format.JsonSchema.Description);
            default:
                throw HttpError.BadRequest("response_format.type", $"'response_format.type' must be 'text', 'json_object' or 'json_schema' (was '{format?.Type}').");
        }
    }

    private static ChatMessage MapMessage(ChatMessageRequest? message, int index)
    {
        var at = $"messages[{index}]";
        if (message is null)
        {
            throw HttpError.BadRequest(at, $"'{at}' must be a message object.");
        }

        var role = message.Role switch
        {
            "system" or "developer" => ChatRole.System,
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            "tool" => ChatRole.Tool,
            null => throw HttpError.BadRequest($"{at}.role", $"'{at}.role' is required.", "missing_required_parameter"),
            _ => throw HttpError.BadRequest($"{at}.role", $"'{at}.role' must be system, developer, user, assistant or tool (was '{message.Role}')."),
        };

        var contents = MapContent(message.Content, role, at);
        return new ChatMessage(role, contents) { AuthorName = message.Name };
    }

    private static List<AIContent> MapContent(JsonElement? content, ChatRole role, string at)
    {
        switch (content)
        {
            case { ValueKind: JsonValueKind.String } text:
                return [new TextContent(text.GetString())];
            case null or { ValueKind: JsonValueKind.Null } when role == ChatRole.Assistant:
                return [];
            case { ValueKind: JsonValueKind.Array } parts:
                var list = new List<AIContent>();
                var i = 0;
                foreach (var part in parts.EnumerateArray())
                {
                    list.Add(MapPart(part, role, $"{at}.content[{i++}]"));
                }

                return list;
            default:
                throw HttpError.BadRequest($"{at}.content", $"'{at}.content' must be a string or an array of content parts.", content is null ? "missing_required_parameter" : "invalid_value");
        }
    }

    private static AIContent MapPart(JsonElement part, ChatRole role, string at)
    {
        var type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "text":
                if (!part.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                {
                    throw HttpError.BadRequest($"{at}.text", $"'{at}.text' must be a string.");
                }

                return new TextContent(text.GetString());
            case "image_url" when role == ChatRole.User:
                if (!part.TryGetProperty("image_url", out var image)
                    || (image.ValueKind == JsonValueKind.Object ? (image.TryGetProperty("url", out var u) ? u : default) : image) is not { ValueKind: JsonValueKind.String } url)
                {
                    throw HttpError.BadRequest($"{at}.image_url.url", $"'{at}.image_url.url' must be a data: URI or a URL.");
                }

                return MapImage(url.GetString()!, $"{at}.image_url.url");
            case "image_url":
                throw HttpError.BadRequest($"{at}.type", $"Images are accepted in user messages only ('{at}').");
            default:
                throw HttpError.BadRequest($"{at}.type", $"'{at}.type' must be 'text' or 'image_url' (was '{type}').");
        }
    }

    private static AIContent MapImage(string url, string at)
    {
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var data = new DataContent(url);
                if (!data.HasTopLevelMediaType("image"))
                {
                    throw HttpError.BadRequest(at, $"'{at}' must carry an image (was {data.MediaType}).");
                }

                return data;
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                throw HttpError.BadRequest(at, $"'{at}' is not a valid base64 data: URI: {ex.Message}");
            }
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return new UriContent(uri, "image/*");
        }

        throw HttpError.BadRequest(at, $"'{at}' must be a data: URI or an http(s) URL.");
    }
}
