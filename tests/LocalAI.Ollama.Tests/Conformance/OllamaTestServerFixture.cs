namespace LocalAI.Ollama.Tests.Conformance;

/// <summary>One in-process Ollama protocol server and one real <see cref="OllamaBackend"/> over it, shared by a test class and stopped after it.</summary>
public sealed class OllamaTestServerFixture : IAsyncLifetime
{
    private OllamaTestServer? _server;
    private OllamaBackend? _backend;

    public OllamaBackend Backend => _backend ?? throw new InvalidOperationException("The fixture is not initialised.");

    public OllamaTestServer Server => _server ?? throw new InvalidOperationException("The fixture is not initialised.");

    public async Task InitializeAsync()
    {
        _server = await OllamaTestServer.StartAsync();
        // The dimensions are configured so that every generator declares them before its first request, whatever order the
        // suite's tests run in; learning them from /api/show on the first request is covered by OllamaEmbeddingGeneratorTests.
        _backend = TestSupport.CreateBackend(_server, o => o.EmbeddingDimensions = 8);
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
