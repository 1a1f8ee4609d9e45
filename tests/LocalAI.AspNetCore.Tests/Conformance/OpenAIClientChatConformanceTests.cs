using LocalAI.AspNetCore.Tests.Support;
using LocalAI.Testing;
using Microsoft.Extensions.AI;

namespace LocalAI.AspNetCore.Tests.Conformance;

/// <summary>The shared chat suite run through the real OpenAI .NET client against this server's <c>/v1/chat/completions</c>, over the tiny GGUF model.</summary>
[Collection(GgufServerCollection.Name)]
public sealed class OpenAIClientChatConformanceTests(GgufServerFixture fixture) : ChatClientConformanceTests
{
    protected override string ExpectedProviderName => "openai";

    protected override Task<IChatClient> CreateClientAsync() => Task.FromResult(fixture.Server.ChatClient(fixture.ChatModel));
}
