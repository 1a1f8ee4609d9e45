using LocalAI.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.Ollama.Tests.Conformance;

/// <summary>The shared chat suite through the real router (<c>AddLocalAI</c>, <see cref="FallbackChatClient"/>) over the Ollama backend and the protocol test server.</summary>
public sealed class RouterChatClientConformanceTests : ChatClientConformanceTests, IAsyncLifetime
{
    private OllamaTestServer _server = null!;
    private ServiceProvider _provider = null!;

    protected override string ExpectedProviderName => "LocalAI";

    public async Task InitializeAsync()
    {
        _server = await OllamaTestServer.StartAsync();
        var services = new ServiceCollection();
        services.AddLocalAI(b => b.AddOllama(o => o.Endpoint = _server.Uri));
        _provider = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(BadRequestNames))]
    public async Task BadRequest_ReachesNoBackend(string name)
    {
        var bad = BadRequest.All[name];
        var chat = _provider.GetRequiredService<IChatClient>();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => chat.GetResponseAsync(bad.Messages, bad.Options));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await TestSupport.CollectAsync(chat.GetStreamingResponseAsync(bad.Messages, bad.Options)));

        Assert.Empty(_server.RequestsTo("/api/chat"));
    }

    protected override Task<IChatClient> CreateClientAsync() => Task.FromResult(_provider.GetRequiredService<IChatClient>());
}
