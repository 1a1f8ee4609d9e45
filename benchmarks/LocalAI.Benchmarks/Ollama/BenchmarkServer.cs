using LocalAI.Ollama;

namespace LocalAI.Benchmarks.Ollama;

/// <summary>Starts the Ollama-speaking test server as its own process (through the embedded-server manager), so its work does not share the benchmark's threads and heap.</summary>
internal static class BenchmarkServer
{
    public static async Task<OllamaServerProcess> StartAsync()
    {
        var server = new OllamaServerProcess(new OllamaEmbeddedBackendOptions
        {
            BinaryPath = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "LocalAI.Ollama.TestServer.exe" : "LocalAI.Ollama.TestServer"),
        });
        await server.StartAsync();
        return server;
    }
}
