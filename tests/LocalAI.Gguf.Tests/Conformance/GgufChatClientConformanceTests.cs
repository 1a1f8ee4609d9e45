using LocalAI.Gguf.Tests.Fixtures;
using LocalAI.Testing;
using Microsoft.Extensions.AI;

namespace LocalAI.Gguf.Tests.Conformance;

/// <summary>The shared chat suite against the tiny random-weight llama model, run in-process by llama.cpp.</summary>
[Collection(ModelCollection.Name)]
public sealed class GgufChatClientConformanceTests(ModelFixture fixture) : ChatClientConformanceTests
{
    protected override string ExpectedProviderName => "gguf";

    protected override Task<IChatClient> CreateClientAsync() => Task.FromResult(fixture.Backend.GetChatClient());
}
