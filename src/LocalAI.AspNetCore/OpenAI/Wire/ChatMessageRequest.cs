using System.Text.Json;

namespace LocalAI.AspNetCore;

/// <summary>One message of a chat completions request: a role and content that is a string or an array of parts.</summary>
internal sealed class ChatMessageRequest
{
    public string? Role { get; set; }

    public JsonElement? Content { get; set; }

    public string? Name { get; set; }
}
