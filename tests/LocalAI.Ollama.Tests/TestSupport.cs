using LocalAI.Ollama.Embedded;

namespace LocalAI.Ollama.Tests;

internal static class TestSupport
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public static OllamaBackend CreateBackend(OllamaTestServer server, Action<OllamaOptions>? configure = null, TimeProvider? timeProvider = null) =>
        CreateBackend(server.Uri, configure, timeProvider);

    public static OllamaBackend CreateBackend(Uri endpoint, Action<OllamaOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        var options = new OllamaOptions { Endpoint = endpoint, DefaultModel = "llama3.2" };
        configure?.Invoke(options);
        return new OllamaBackend(options, timeProvider: timeProvider);
    }

    /// <summary>An address on which nothing listens: connections are refused.</summary>
    public static Uri RefusedEndpoint() => new($"http://127.0.0.1:{OllamaServerProcess.FindFreePort()}/");

    public static string TestServerExecutable =>
        Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "LocalAI.Ollama.TestServer.exe" : "LocalAI.Ollama.TestServer");

    public static async Task<List<ChatResponseUpdate>> CollectAsync(IAsyncEnumerable<ChatResponseUpdate> updates, List<ChatResponseUpdate>? into = null)
    {
        into ??= [];
        await foreach (var update in updates)
        {
            into.Add(update);
        }

        return into;
    }
}
