using LocalAI.Testing;
using LocalAI.Testing.Gguf;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.OpenAI.Tests;

/// <summary>The real router (AddLocalAI, FallbackChatClient) with a real llama-server first and an in-memory backend second, the server killed at chosen moments.</summary>
public sealed class RouterFallbackTests : IAsyncLifetime
{
    private LlamaServer? _server;
    private ServiceProvider? _provider;
    private FakeBackend _memory = null!;

    public async Task InitializeAsync()
    {
        if (LlamaServer.Unavailable is null)
        {
            // A context of 4096 lets one answer run for seconds, so the server is surely killed while it still generates.
            _server = await LlamaServer.StartAsync(TinyModels.Chat(), "--alias", "tiny-llama", "-c", "4096", "-np", "1");
        }
    }

    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [LlamaServerFact]
    public async Task AHealthyServer_Answers_AndIsNamedAsTheBackend()
    {
        var chat = Router(_server!.ApiBase);

        var response = await chat.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 4 });

        Assert.Equal("llamaserver", response.AdditionalProperties?["localai.backend"]);
        Assert.Equal(0, _memory.Chat.Calls);
    }

    [LlamaServerFact]
    public async Task TheServerKilledBeforeTheFirstToken_TheNextBackendAnswersTheStream()
    {
        var chat = Router(_server!.ApiBase);
        await chat.GetResponseAsync("warm up", new ChatOptions { MaxOutputTokens = 2 });
        await _server.KillAsync();

        var updates = await TestSupport.CollectAsync(chat.GetStreamingResponseAsync("hi"));

        Assert.NotEmpty(updates);
        Assert.All(updates, u => Assert.Equal("memory", u.AdditionalProperties?["localai.backend"]));
    }

    [LlamaServerFact]
    public async Task TheServerKilledAfterTheFirstToken_TheCallerGetsAClearError_AndNoSwitch()
    {
        var chat = Router(_server!.ApiBase);
        var options = new ChatOptions { Temperature = 0f, MaxOutputTokens = 4000 };

        await using var stream = chat.GetStreamingResponseAsync("Write a very long story.", options).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal("llamaserver", stream.Current.AdditionalProperties?["localai.backend"]);
        await _server.KillAsync();

        var ex = await Assert.ThrowsAnyAsync<LocalAIException>(async () =>
        {
            while (await stream.MoveNextAsync())
            {
            }
        });

        Assert.IsType<BackendProtocolException>(ex);
        Assert.Equal("llamaserver", ex.BackendId);
        Assert.Equal(0, _memory.Chat.Calls);
    }

    private IChatClient Router(Uri endpoint)
    {
        _memory = new FakeBackend("memory") { Chat = { Reply = "answer from memory" } };
        var services = new ServiceCollection();
        services.AddLocalAI(b => b
            .AddOpenAICompatible("llamaserver", o => o.Endpoint = endpoint)
            .AddBackend("memory", _ => _memory));
        _provider = services.BuildServiceProvider();
        return _provider.GetRequiredService<IChatClient>();
    }
}
