namespace LocalAI.Ollama.Tests.Conformance;

/// <summary>One in-process Ollama protocol server and one real <see cref="OllamaBackend"/> over it, shared by a test class and stopped after it.</summary>
public sealed class OllamaTestServerFixture : IAsyncLifetime
{
    private OllamaTestServer? _server;
    private OllamaBackend? _backend;

    public OllamaBackend Backend => _backend ?? throw new InvalidOperationException("The fixture is not initialised.");

    public async Task InitializeAsync()
    {
        _server = await OllamaTestServer.StartAsync();
        _backend = TestSupport.CreateBackend(_server);
    }

    public async Task DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
