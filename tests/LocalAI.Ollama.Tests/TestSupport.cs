
using System.Diagnostics;

namespace LocalAI.Ollama.Tests;

internal static class TestSupport
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public static OllamaBackend CreateBackend(
        OllamaTestServer server, Action<OllamaBackendOptions>? configure = null, TimeProvider? timeProvider = null, string id = OllamaBackend.DefaultId) =>
        CreateBackend(server.Uri, configure, timeProvider, id);

    public static OllamaBackend CreateBackend(
        Uri endpoint, Action<OllamaBackendOptions>? configure = null, TimeProvider? timeProvider = null, string id = OllamaBackend.DefaultId)
    {
        var options = new OllamaBackendOptions { Endpoint = endpoint, DefaultModel = "llama3.2" };
        configure?.Invoke(options);
        return new OllamaBackend(id, options, timeProvider: timeProvider);
    }

    /// <summary>An address on which nothing listens: connections are refused.</summary>
    public static Uri RefusedEndpoint() => new($"http://127.0.0.1:{OllamaServerProcess.FindFreePort()}/");

    public static string TestServerExecutable =>
        Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "LocalAI.Ollama.TestServer.exe" : "LocalAI.Ollama.TestServer");

    public static string TestHostExecutable =>
        Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "LocalAI.Ollama.TestHost.exe" : "LocalAI.Ollama.TestHost");

    public static async Task<List<ChatResponseUpdate>> CollectAsync(IAsyncEnumerable<ChatResponseUpdate> updates, List<ChatResponseUpdate>? into = null)
    {
        into ??= [];
        await foreach (var update in updates)
        {
            into.Add(update);
        }

        return into;
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
