namespace LocalAI.AspNetCore;

/// <summary>The <c>response_format</c> of a chat completions request: <c>text</c>, <c>json_object</c> or <c>json_schema</c>.</summary>
internal sealed class ResponseFormatRequest
{
    public string? Type { get; set; }

    public JsonSchemaRequest? JsonSchema { get; set; }
}
