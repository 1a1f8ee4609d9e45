namespace LocalAI.Testing.HuggingFace;

/// <summary>One request a <see cref="HubTestServer"/> received.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The URL path, unescaped.</param>
/// <param name="Range">The <c>Range</c> header, when sent.</param>
/// <param name="Authorization">The <c>Authorization</c> header, when sent.</param>
public sealed record HubRequest(string Method, string Path, string? Range, string? Authorization);
