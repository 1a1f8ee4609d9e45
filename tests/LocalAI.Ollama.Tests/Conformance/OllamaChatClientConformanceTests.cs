using LocalAI.Testing;

namespace LocalAI.Ollama.Tests.Conformance;

/// <summary>The shared chat suite through the real backend and OllamaSharp over HTTP to the Ollama protocol test server, whose models answer "You said: ..." word by word.</summary>
public sealed class OllamaChatClientConformanceTests(OllamaTestServerFixture fixture) : ChatClientConformanceTests, IClassFixture<OllamaTestServerFixture>
{
    protected override string ExpectedProviderName => "ollama";

    protected override Task<IChatClient> CreateClientAsync() => Task.FromResult(fixture.Backend.GetChatClient());
}
