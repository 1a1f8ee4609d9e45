namespace LocalAI.Ollama.Tests;

/// <summary>Finds a real Ollama server for the opt-in live tests.</summary>
internal static class LiveOllama
{
    private static readonly Lazy<string?> Probe = new(ProbeOnce);

    public static Uri Endpoint { get; } = OllamaHost.FromEnvironment() ?? new Uri("http://localhost:11434/");

    /// <summary>Gets why the live tests cannot run, or <see langword="null"/> when a server answers.</summary>
    public static string? Unavailable => Probe.Value;

    private static string? ProbeOnce()
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Endpoint, "api/version"));
            using var response = http.Send(request);
            return response.IsSuccessStatusCode
                ? null
                : $"Live Ollama test skipped: {Endpoint} answered HTTP {(int)response.StatusCode} to /api/version.";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return $"Live Ollama test skipped: no Ollama answered at {Endpoint} ({ex.Message}). Start 'ollama serve' or set OLLAMA_HOST to run it.";
        }
    }
}
