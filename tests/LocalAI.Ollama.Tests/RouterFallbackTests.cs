using LocalAI.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.Ollama.Tests;

/// <summary>The real router (AddLocalAI, BackendManager, FallbackChatClient) with Ollama first and an in-memory backend second.</summary>
public sealed class RouterFallbackTests : IAsyncLifetime
{
    private OllamaTestServer _server = null!;
    private ServiceProvider? _provider;
    private FakeBackend _memory = null!;

    public async Task InitializeAsync() => _server = await OllamaTestServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    [Fact]
    public async Task HealthyOllama_Answers_AndIsNamedAsTheBackend()
    {
        var chat = Router(_server.Uri);
        var response = await chat.GetResponseAsync("hi");

        Assert.Equal("You said: hi", response.Text);
        Assert.Equal("ollama", response.AdditionalProperties?["localai.backend"]);
        Assert.Equal(0, _memory.Chat.Calls);
    }

    [Theory]
    [InlineData("eof")]
    [InlineData("error line")]
    public async Task OllamaFailsBeforeTheFirstToken_TheNextBackendAnswersTheStream(string fault)
    {
        var chat = Router(_server.Uri);
        await chat.GetResponseAsync("warm up");
        if (fault == "eof")
        {
            _server.Faults.EofAfterTokens = 0;
        }
        else
        {
            _server.Faults.ErrorLineAfterTokens = 0;
        }

        var updates = await TestSupport.CollectAsync(chat.GetStreamingResponseAsync("hi"));

        Assert.Equal("answer from memory0answer from memory1answer from memory2", string.Concat(updates.Select(u => u.Text)));
        Assert.All(updates, u => Assert.Equal("memory", u.AdditionalProperties?["localai.backend"]));
    }

    [Fact]
    public async Task OllamaAnswers500_TheNextBackendAnswers()
    {
        var chat = Router(_server.Uri);
        await chat.GetResponseAsync("warm up");
        _server.Faults.StatusCode = 500;

        var response = await chat.GetResponseAsync("hi");

        Assert.Equal("answer from memory", response.Text);
        Assert.Equal("memory", response.AdditionalProperties?["localai.backend"]);
    }

    [Fact]
    public async Task OllamaDiesAfterTheFirstToken_TheCallerGetsAClearError_AndNoSwitch()
    {
        var chat = Router(_server.Uri);
        await chat.GetResponseAsync("warm up");
        var clientHasTwo = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Faults.BeforeToken = (i, ct) => i == 2 ? clientHasTwo.Task.WaitAsync(ct) : Task.CompletedTask;
        _server.Faults.EofAfterTokens = 2;

        await using var stream = chat.GetStreamingResponseAsync("a b c").GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal("ollama", stream.Current.AdditionalProperties?["localai.backend"]);
        Assert.True(await stream.MoveNextAsync());
        clientHasTwo.SetResult();

        var ex = await Assert.ThrowsAsync<BackendProtocolException>(async () => await stream.MoveNextAsync());
        Assert.Equal("ollama", ex.BackendId);
        Assert.Equal(0, _memory.Chat.Calls);
    }

    [Fact]
    public async Task OllamaRefusesTheConnection_TheNextBackendAnswers()
    {
        var chat = Router(TestSupport.RefusedEndpoint());

        var response = await chat.GetResponseAsync("hi");
        var streamed = await TestSupport.CollectAsync(chat.GetStreamingResponseAsync("hi"));

        Assert.Equal("memory", response.AdditionalProperties?["localai.backend"]);
        Assert.Equal("memory", streamed[0].AdditionalProperties?["localai.backend"]);
    }

    [Fact]
    public async Task OllamaThatStopsAfterItWasFoundHealthy_FallsBackAtOnce_AndKeepsFallingBack()
    {
        var chat = Router(_server.Uri);
        await chat.GetResponseAsync("warm up");
        await _server.DisposeAsync();

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("memory", (await chat.GetResponseAsync("hi")).AdditionalProperties?["localai.backend"]);
        }

        Assert.Equal(4, _memory.Chat.Calls);
        _server = await OllamaTestServer.StartAsync();
    }

    private IChatClient Router(Uri ollama)
    {
        _memory = new FakeBackend("memory") { Chat = { Reply = "answer from memory" } };
        var services = new ServiceCollection();
        services.AddLocalAI(b => b
            .AddOllama(o => o.Endpoint = ollama)
            .AddBackend("memory", _ => _memory));
        _provider = services.BuildServiceProvider();
        return _provider.GetRequiredService<IChatClient>();
    }
}
