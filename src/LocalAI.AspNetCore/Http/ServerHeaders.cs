namespace LocalAI.AspNetCore;

/// <summary>Names of what the server adds to its answers.</summary>
internal static class ServerHeaders
{
    /// <summary>The response header that names the backend that served the request.</summary>
    public const string Backend = "X-LocalAI-Backend";

    /// <summary>The key under which the router names the serving backend in <c>AdditionalProperties</c>.</summary>
    public const string BackendProperty = "localai.backend";

    public static string? BackendOf(Microsoft.Extensions.AI.AdditionalPropertiesDictionary? properties) =>
        properties is not null && properties.TryGetValue(BackendProperty, out var value) ? value as string : null;
}
