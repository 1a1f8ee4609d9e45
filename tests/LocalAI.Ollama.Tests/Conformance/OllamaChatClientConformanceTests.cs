using LocalAI.Testing;

namespace LocalAI.Ollama.Tests.Conformance;

/// <summary>The shared chat suite through the real backend and OllamaSharp over HTTP to the Ollama protocol test server, whose models answer "You said: ..." word by word.</summary>
public sealed class OllamaChatClientConformanceTests(OllamaTestServerFixture fixture) : ChatClientConformanceTests, IClassFixture<OllamaTestServerFixture>
{
    protected override string ExpectedProviderName => "ollama";

    [Theory]
    [MemberData(nameof(BadRequestNames))]
    public async Task BadRequest_IsNeverSentToTheServer(string name)
    {
        var bad = BadRequest.All[name];
        var chat = fixture.Backend.GetChatClient();
        var before = fixture.Server.RequestsTo("/api/chat").Count;

        await Assert.ThrowsAnyAsync<ArgumentException>(() => chat.GetResponseAsync(bad.Messages, bad.Options));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await TestSupport.CollectAsync(chat.GetStreamingResponseAsync(bad.Messages, bad.Options)));

        Assert.Equal(before, fixture.Server.RequestsTo("/api/chat").Count);
    }

    protected override Task<IChatClient> CreateClientAsync() => Task.FromResult(fixture.Backend.GetChatClient());
}
