using LocalAI.AspNetCore.Tests.Support;
using LocalAI.OpenAI;
using LocalAI.Testing;
using Microsoft.Extensions.AI;

namespace LocalAI.AspNetCore.Tests.Conformance;

/// <summary>
/// The shared chat suite through the official OpenAI .NET client against this server's <c>/v1/chat/completions</c>, over the tiny GGUF
/// model: the client is the OpenAI-compatible backend (LocalAI.OpenAI), which checks requests as every backend does before sending them.
/// </summary>
[Collection(GgufServerCollection.Name)]
public sealed class OpenAIClientChatConformanceTests(GgufServerFixture fixture) : ChatClientConformanceTests, IDisposable
{
    private readonly OpenAICompatibleBackend _backend = new("localai-http", new OpenAICompatibleBackendOptions
    {
        Endpoint = fixture.Server.V1,
        DefaultModel = fixture.ChatModel,
        HealthPath = "/health",
    });

    protected override string ExpectedProviderName => "localai-http";

    public void Dispose() => _backend.Dispose();

    protected override Task<IChatClient> CreateClientAsync() => Task.FromResult(_backend.GetChatClient());
}
