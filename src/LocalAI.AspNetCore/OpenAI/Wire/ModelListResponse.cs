namespace LocalAI.AspNetCore;

/// <summary>The answer of <c>GET /v1/models</c>.</summary>
internal sealed class ModelListResponse
{
    public string Object => "list";

    public required List<ModelResponse> Data { get; init; }
}
