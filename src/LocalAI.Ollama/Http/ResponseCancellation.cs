namespace LocalAI.Ollama;

/// <summary>Carries the token that must interrupt a response body read to <see cref="OllamaResponseHandler"/>; HttpClient disposes its own linked token once the headers are in, so that one cannot be used.</summary>
internal static class ResponseCancellation
{
    private static readonly AsyncLocal<CancellationToken> Current = new();

    public static CancellationToken Token => Current.Value;

    /// <summary>Sets the token for requests started from this asynchronous flow.</summary>
    public static void Set(CancellationToken cancellationToken) => Current.Value = cancellationToken;
}
