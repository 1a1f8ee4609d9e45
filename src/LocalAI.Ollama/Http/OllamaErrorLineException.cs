using System.Text.Json;

namespace LocalAI.Ollama;

/// <summary>A line of a streamed response that is Ollama's error object (<c>{"error": "..."}</c>); its message is the server's words.</summary>
/// <remarks>An <see cref="IOException"/>, because it is raised while the response stream is read, and the read fails with it.</remarks>
internal sealed class OllamaErrorLineException : IOException
{
    public OllamaErrorLineException(string message)
        : base(message)
    {
    }

    public OllamaErrorLineException()
    {
    }

    public OllamaErrorLineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Returns the <c>error</c> text when <paramref name="json"/> is a JSON object with a string <c>error</c> property, else <see langword="null"/>.</summary>
    public static string? TryReadError(ReadOnlySpan<char> json)
    {
        var trimmed = json.Trim();
        if (trimmed.Length == 0 || trimmed[0] != '{' || trimmed.IndexOf("\"error\"", StringComparison.Ordinal) < 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(trimmed.ToString());
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.String
                ? error.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
