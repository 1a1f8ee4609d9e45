using System.Text.Json;

namespace LocalAI.AspNetCore;

/// <summary>The <c>json_schema</c> of a <c>response_format</c>.</summary>
internal sealed class JsonSchemaRequest
{
    public string? Name { get; set; }

    public string? Description { get; set; }

    public JsonElement? Schema { get; set; }

    public bool? Strict { get; set; }
}
