using LocalAI.Testing.Gguf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace LocalAI.OpenAI.Tests;

/// <summary>Several endpoints behind one backend id: real llama-servers, a refused port, and a loopback fault server that breaks before or after the first token.</summary>
[Collection(LlamaServerCollection.Name)]
public sealed class OpenAIEndpointPoolTests(LlamaServerFixture fixture) : IAsyncLifetime
{
    private static readonly ChatOptions Short = new() { Temperature = 0f, Seed = 42, MaxOutputTokens = 4 };
    private FakeOpenAIServer _fault = null!;

    public async Task InitializeAsync() => _fault = await FakeOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await _fault.DisposeAsync();

    [LlamaServerFact]
    public async Task Requests_GoToTheEndpointWithTheFewestInFlight()
    {
        await using var second = await LlamaServer.StartAsync(TinyModels.Chat(), "--alias", "tiny-llama");
        using var backend = LlamaServerFixture.CreateBackend(fixture.Chat.ApiBase, o => o.Endpoints = [fixture.Chat.ApiBase, second.ApiBase]);
        var chat = backend.GetChatClient();

        // A stream holds its endpoint's slot until it ends: the first goes to the first endpoint (a tie goes in list order) and stays open.
        await using var held = chat.GetStreamingResponseAsync("hello", Short).GetAsyncEnumerator();
        Assert.True(await held.MoveNextAsync());
        var heldOn = held.Current.AdditionalProperties?[OpenAICompatibleChatClient.EndpointKey];
        var whileHeld = await chat.GetResponseAsync("hi", Short);
        var streamedWhileHeld = await TestSupport.CollectAsync(chat.GetStreamingResponseAsync("hi", Short));
        while (await held.MoveNextAsync())
        {
        }

        var afterwards = await chat.GetResponseAsync("hi", Short);

        Assert.Equal(fixture.Chat.ApiBase.ToString(), heldOn);
        Assert.Equal(second.ApiBase.ToString(), whileHeld.AdditionalProperties?[OpenAICompatibleChatClient.EndpointKey]);
        Assert.All(streamedWhileHeld, u => Assert.Equal(second.ApiBase.ToString(), u.AdditionalProperties?[OpenAICompatibleChatClient.EndpointKey]));
        Assert.Equal(fixture.Chat.ApiBase.ToString(), afterwards.AdditionalProperties?[OpenAICompatibleChatClient.EndpointKey]);
    }

    [LlamaServerFact]
    public async Task ARefusedEndpoint_IsSkipped_ItsCircuitOpens_AndTheLiveOneServes()
    {
        var dead = TestSupport.RefusedEndpoint();
        using var backend = LlamaServerFixture.CreateBackend(dead, o => o.Endpoints = [dead, fixture.Chat.ApiBase]);
        using var streaming = LlamaServerFixture.CreateBackend(dead, o => o.Endpoints = [dead, fixture.Chat.ApiBase]);

        var response = await backend.GetChatClient().GetResponseAsync("hi", Short);
        var updates = await TestSupport.CollectAsync(streaming.GetChatClient().GetStreamingResponseAsync("hi", Short));

        Assert.Equal(fixture.Chat.ApiBase.ToString(), response.AdditionalProperties?[OpenAICompatibleChatClient.EndpointKey]);
        Assert.NotNull(updates.ToChatResponse().FinishReason);
        Assert.All(updates, u => Assert.Equal(fixture.Chat.ApiBase.ToString(), u.AdditionalProperties?[OpenAICompatibleChatClient.EndpointKey]));
        Assert.Equal(EndpointCircuitState.Open, backend.GetCircuitState(dead));
        Assert.Equal(EndpointCircuitState.Open, streaming.GetCircuitState(dead));
        Assert.Equal(EndpointCircuitState.Closed, backend.GetCircuitState(fixture.Chat.ApiBase));
    }

    [LlamaServerTheory]
    [InlineData("500")]
    [InlineData("malformed")]
    [InlineData("empty")]
    [InlineData("eof")]
    public async Task AnEndpointBrokenBeforeTheFirstToken_IsSkipped_AndOnlyItsCircuitOpens(string fault)
    {
        _fault.Handler = ctx => ctx.Request.Path == "/v1/models" ? ModelList(ctx) : Fault(fault, ctx);
        using var backend = LlamaServerFixture.CreateBackend(_fault.ApiBase, o => o.Endpoints = [_fault.ApiBase, fixture.Chat.ApiBase]);

        var updates = await TestSupport.CollectAsync(backend.GetChatClient().GetStreamingResponseAsync("hi", Short));

        Assert.NotEmpty(updates);
        Assert.All(updates, u => Assert.Equal(fixture.Chat.ApiBase.ToString(), u.AdditionalProperties?[OpenAICompatibleChatClient.EndpointKey]));
        Assert.Equal(EndpointCircuitState.Open, backend.GetCircuitState(_fault.ApiBase));
        Assert.Equal(EndpointCircuitState.Closed, backend.GetCircuitState(fixture.Chat.ApiBase));
    }

    [LlamaServerFact]
    public async Task AnEndpointAnswering500_IsSkipped_ForNonStreamingChatAndEmbeddingsToo()
    {
        using var chat = LlamaServerFixture.CreateBackend(_fault.ApiBase, o => o.Endpoints = [_fault.ApiBase, fixture.Chat.ApiBase]);
        using var embeddings = LlamaServerFixture.CreateBackend(_fault.ApiBase, o => o.Endpoints = [_fault.ApiBase, fixture.Embeddings.ApiBase]);

        var response = await chat.GetChatClient().GetResponseAsync("hi", Short);
        var vectors = await embeddings.GetEmbeddingGenerator().GenerateAsync(["a text"]);

        Assert.Equal(fixture.Chat.ApiBase.ToString(), response.AdditionalProperties?[OpenAICompatibleChatClient.EndpointKey]);
        Assert.Single(vectors);
        Assert.Equal(EndpointCircuitState.Open, chat.GetCircuitState(_fault.ApiBase));
        Assert.Equal(EndpointCircuitState.Open, embeddings.GetCircuitState(_fault.ApiBase));
        Assert.True(_fault.Authorizations.Count >= 2, "the fault server was asked first each time");
    }

    [LlamaServerFact]
    public async Task AStreamBrokenAfterItsFirstToken_IsNotRetried_TheCallerGetsTheError()
    {
        var chatRequests = 0;
        var firstTokenRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fault.Handler = async ctx =>
        {
            if (ctx.Request.Path == "/v1/models")
            {
                await ModelList(ctx);
                return;
            }

            Interlocked.Increment(ref chatRequests);
            await FakeOpenAIServer.EventStream([FakeOpenAIServer.Chunk("Hel")])(ctx);
            await firstTokenRead.Task.WaitAsync(ctx.RequestAborted);
            ctx.Abort();
        };
        using var backend = LlamaServerFixture.CreateBackend(_fault.ApiBase, o => o.Endpoints = [_fault.ApiBase, fixture.Chat.ApiBase]);

        var received = new List<(string Text, object? From)>();
        await using var stream = backend.GetChatClient().GetStreamingResponseAsync("hi", Short).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        received.Add((stream.Current.Text, stream.Current.AdditionalProperties?[OpenAICompatibleChatClient.EndpointKey]));
        firstTokenRead.TrySetResult();
        var ex = await Assert.ThrowsAsync<BackendProtocolException>(async () =>
        {
            while (await stream.MoveNextAsync())
            {
                received.Add((stream.Current.Text, stream.Current.AdditionalProperties?[OpenAICompatibleChatClient.EndpointKey]));
            }
        });

        // A retry would have gone on with the live server's tokens instead of failing.
        Assert.Equal("Hel", string.Concat(received.Select(r => r.Text)));
        Assert.All(received, r => Assert.Equal(_fault.ApiBase.ToString(), r.From));
        Assert.Equal(1, chatRequests);
        Assert.Equal("llamaserver", ex.BackendId);
        Assert.Contains(_fault.ApiBase.ToString(), ex.Message);
    }

    [LlamaServerFact]
    public async Task NoFirstTokenInTime_TheStreamMovesToTheNextEndpoint()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fault.Handler = async ctx =>
        {
            if (ctx.Request.Path == "/v1/models")
            {
                await ModelList(ctx);
                return;
            }

            arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        };
        using var backend = LlamaServerFixture.CreateBackend(
            _fault.ApiBase, o => (o.Endpoints, o.GenerationTimeout) = ([_fault.ApiBase, fixture.Chat.ApiBase], TimeSpan.FromSeconds(30)), timeProvider: time);

        await using var stream = backend.GetChatClient().GetStreamingResponseAsync("hi", Short).GetAsyncEnumerator();
        var first = stream.MoveNextAsync().AsTask();
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(31));

        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(fixture.Chat.ApiBase.ToString(), stream.Current.AdditionalProperties?[OpenAICompatibleChatClient.EndpointKey]);
        Assert.Equal(EndpointCircuitState.Open, backend.GetCircuitState(_fault.ApiBase));
    }

    [LlamaServerFact]
    public async Task Status_IsAvailableWhenAnyEndpointIs_WithTheUnionOfTheirModels()
    {
        var dead = TestSupport.RefusedEndpoint();
        using var backend = LlamaServerFixture.CreateBackend(dead, o => (o.Endpoints, o.HealthPath) = ([dead, fixture.Chat.ApiBase, fixture.Embeddings.ApiBase], "/health"));
        using var allDead = LlamaServerFixture.CreateBackend(dead, o => o.Endpoints = [dead, TestSupport.RefusedEndpoint()]);

        var status = await backend.GetStatusAsync();
        var models = await backend.ListModelsAsync();
        var down = await allDead.GetStatusAsync();

        Assert.True(status.IsAvailable, status.Reason);
        Assert.Equal(["tiny-bert", "tiny-llama"], status.Models.Select(m => m.Id));
        Assert.Equal(["tiny-bert", "tiny-llama"], models.Select(m => m.Id));
        Assert.Equal(EndpointCircuitState.Open, backend.GetCircuitState(dead));
        Assert.False(down.IsAvailable);
        Assert.Contains("could not be reached", down.Reason);
        await Assert.ThrowsAsync<BackendUnavailableException>(() => allDead.ListModelsAsync());
    }

    private static Task ModelList(HttpContext ctx) =>
        FakeOpenAIServer.Json(200, """{"object":"list","data":[{"id":"tiny-llama","object":"model","created":1,"owned_by":"me"},{"id":"tiny-bert","object":"model","created":1,"owned_by":"me"}]}""")(ctx);

    private static async Task Fault(string fault, HttpContext ctx)
    {
        switch (fault)
        {
            case "500":
                await FakeOpenAIServer.Json(500, """{"error":{"code":500,"message":"slot crashed","type":"server_error"}}""")(ctx);
                break;
            case "malformed":
                await FakeOpenAIServer.EventStream(["{not json"])(ctx);
                break;
            case "empty":
                await FakeOpenAIServer.EventStream(["[DONE]"])(ctx);
                break;
            default:
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentType = "text/event-stream";
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                ctx.Abort();
                break;
        }
    }
}
