using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace LocalAI.OpenAI.Tests;

/// <summary>How the backend reports what a server does wrong: status codes, broken event streams, stalls, refused connections; a loopback fake injects the faults.</summary>
public sealed class OpenAIErrorMappingTests : IAsyncLifetime
{
    private FakeOpenAIServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Http500_IsUnavailable_AndKeepsTheServersMessage()
    {
        _server.Handler = FakeOpenAIServer.Json(500, """{"error":{"code":500,"message":"slot 0 crashed while decoding","type":"server_error"}}""");
        using var backend = Backend();

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.GetChatClient().GetResponseAsync("hi"));
        var streamed = await Assert.ThrowsAsync<BackendUnavailableException>(() => TestSupport.CollectAsync(backend.GetChatClient().GetStreamingResponseAsync("hi")));

        Assert.Contains("slot 0 crashed while decoding", ex.Message);
        Assert.Contains("HTTP 500", ex.Message);
        Assert.Equal("fake", ex.BackendId);
        Assert.Contains("slot 0 crashed while decoding", streamed.Message);
    }

    [Fact]
    public async Task Http401_NamesTheApiKeySetting_AndKeepsTheServersMessage()
    {
        _server.Handler = FakeOpenAIServer.Json(401, """{"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}}""");
        using var backend = Backend(o => o.ApiKey = "wrong");

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.GetChatClient().GetResponseAsync("hi"));

        Assert.Contains("LocalAI:fake:ApiKey", ex.Message);
        Assert.Contains("Invalid API Key", ex.Message);
    }

    [Fact]
    public async Task Http404_ForAModel_IsModelNotFound_WithTheServersMessage()
    {
        _server.Handler = FakeOpenAIServer.Json(404, """{"error":{"message":"The model `gpt-9` does not exist.","type":"invalid_request_error","code":"model_not_found"}}""");
        using var backend = Backend();

        var ex = await Assert.ThrowsAsync<ModelNotFoundException>(() => backend.GetChatClient("gpt-9").GetResponseAsync("hi"));
        var embedding = await Assert.ThrowsAsync<ModelNotFoundException>(() => backend.GetEmbeddingGenerator("gpt-9").GenerateAsync(["hi"]));

        Assert.Equal("gpt-9", ex.Model);
        Assert.Equal("fake", ex.BackendId);
        Assert.Contains("does not exist", ex.Message);
        Assert.Equal("gpt-9", embedding.Model);
    }

    [Fact]
    public async Task Http400_IsAProtocolError_WithTheServersCode()
    {
        _server.Handler = FakeOpenAIServer.Json(400, """{"error":{"code":400,"message":"the request exceeds the available context size","type":"exceed_context_size_error"}}""");
        using var backend = Backend();

        var ex = await Assert.ThrowsAsync<BackendProtocolException>(() => backend.GetChatClient().GetResponseAsync("hi"));

        Assert.Equal("400", ex.ErrorCode);
        Assert.Contains("exceeds the available context size", ex.Message);
    }

    [Fact]
    public async Task ABodyThatIsNotJson_IsQuotedInTheMessage()
    {
        _server.Handler = async ctx =>
        {
            ctx.Response.StatusCode = 502;
            await ctx.Response.WriteAsync("<html>Bad Gateway from the proxy</html>");
        };
        using var backend = Backend();

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.GetChatClient().GetResponseAsync("hi"));

        Assert.Contains("Bad Gateway from the proxy", ex.Message);
    }

    [Fact]
    public async Task AMalformedEventStream_IsAProtocolError()
    {
        _server.Handler = FakeOpenAIServer.EventStream([FakeOpenAIServer.Chunk("Hel"), "{\"choices\":[{\"delta\":{\"content\":\"lo\"", "[DONE]"]);
        using var backend = Backend();

        var updates = new List<ChatResponseUpdate>();
        var ex = await Assert.ThrowsAsync<BackendProtocolException>(async () =>
        {
            await foreach (var update in backend.GetChatClient().GetStreamingResponseAsync("hi"))
            {
                updates.Add(update);
            }
        });

        Assert.Equal("Hel", Assert.Single(updates).Text);
        Assert.Equal("fake", ex.BackendId);
    }

    [Fact]
    public async Task AStreamThatEndsWithoutAFinishReason_IsAProtocolError()
    {
        _server.Handler = FakeOpenAIServer.EventStream([FakeOpenAIServer.Chunk("Hel"), FakeOpenAIServer.Chunk("lo"), "[DONE]"]);
        using var backend = Backend();

        var ex = await Assert.ThrowsAsync<BackendProtocolException>(() => TestSupport.CollectAsync(backend.GetChatClient().GetStreamingResponseAsync("hi")));

        Assert.Contains("finish reason", ex.Message);
    }

    [Fact]
    public async Task AStreamThatStallsAfterItsFirstToken_TimesOutOnTheClock()
    {
        var time = new FakeTimeProvider();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Handler = FakeOpenAIServer.EventStream(
            [FakeOpenAIServer.Chunk("Hel"), FakeOpenAIServer.Chunk("lo", "stop"), "[DONE]"],
            (i, ct) => i == 1 ? release.Task.WaitAsync(ct) : Task.CompletedTask);
        using var backend = Backend(o => o.GenerationTimeout = TimeSpan.FromSeconds(30), time);

        await using var stream = backend.GetChatClient().GetStreamingResponseAsync("hi").GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        var next = stream.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(31));

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => next.WaitAsync(TimeSpan.FromSeconds(30)));
        release.TrySetResult();

        Assert.IsType<TimeoutException>(ex.InnerException);
        Assert.Contains("GenerationTimeout", ex.Message);
    }

    [Fact]
    public async Task ARequestThatNeverAnswers_TimesOutOnTheClock()
    {
        var time = new FakeTimeProvider();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Handler = async ctx =>
        {
            arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        };
        using var backend = Backend(o => o.GenerationTimeout = TimeSpan.FromSeconds(30), time);

        var call = backend.GetChatClient().GetResponseAsync("hi");
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(31));

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.IsType<TimeoutException>(ex.InnerException);
    }

    [Fact]
    public async Task ARefusedConnection_IsUnavailable_AndNamesTheEndpointSetting()
    {
        using var backend = new OpenAICompatibleBackend("fake", new OpenAICompatibleBackendOptions { Endpoint = TestSupport.RefusedEndpoint(), DefaultModel = "m" });

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.GetChatClient().GetResponseAsync("hi"));
        var streamed = await Assert.ThrowsAsync<BackendUnavailableException>(() => TestSupport.CollectAsync(backend.GetChatClient().GetStreamingResponseAsync("hi")));
        var status = await backend.GetStatusAsync();

        Assert.Contains("LocalAI:fake:Endpoint", ex.Message);
        Assert.True(OpenAIErrors.IsConnectFailure(ex));
        Assert.True(OpenAIErrors.IsConnectFailure(streamed));
        Assert.False(status.IsAvailable);
        Assert.Contains("could not be reached", status.Reason);
    }

    [Fact]
    public async Task WithoutAKey_NoAuthorizationHeaderIsSent_AndWithOne_ABearerHeaderIs()
    {
        _server.Handler = FakeOpenAIServer.Json(200, """{"object":"list","data":[{"id":"m1","object":"model","created":1,"owned_by":"me"}]}""");
        using (var anonymous = Backend())
        {
            await anonymous.ListModelsAsync();
        }

        using (var keyed = Backend(o => o.ApiKey = "sk-local"))
        {
            await keyed.ListModelsAsync();
        }

        Assert.Equal(new string?[] { null, "Bearer sk-local" }, _server.Authorizations.ToArray());
    }

    [Fact]
    public async Task Status_IsUnavailableWhileTheHealthPathAnswers503_WithItsBody()
    {
        _server.Handler = async ctx =>
        {
            if (ctx.Request.Path == "/health")
            {
                ctx.Response.StatusCode = 503;
                await ctx.Response.WriteAsync("""{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}""");
                return;
            }

            await FakeOpenAIServer.Json(200, """{"object":"list","data":[]}""")(ctx);
        };
        using var backend = Backend(o => o.HealthPath = "/health");

        var status = await backend.GetStatusAsync();

        Assert.False(status.IsAvailable);
        Assert.Contains("Loading model", status.Reason);
        Assert.Contains("503", status.Reason);
    }

    [Fact]
    public async Task AModelTheServerDoesNotList_IsNotFound_BeforeAnyChatRequest_AndTheListIsReadAgainFirst()
    {
        var paths = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _server.Handler = ctx =>
        {
            paths.Enqueue(ctx.Request.Path);
            return FakeOpenAIServer.Json(200, """{"object":"list","data":[{"id":"a","object":"model","created":1,"owned_by":"me"},{"id":"b","object":"model","created":1,"owned_by":"me"}]}""")(ctx);
        };
        using var backend = Backend(o => (o.CheckModels, o.DefaultModel) = (true, null));

        var unknown = await Assert.ThrowsAsync<ModelNotFoundException>(() => backend.GetChatClient("c").GetResponseAsync("hi"));
        var unnamed = await Assert.ThrowsAsync<ModelNotFoundException>(() => backend.GetChatClient().GetResponseAsync("hi"));

        Assert.Contains("'a', 'b'", unknown.Message);
        Assert.Contains("LocalAI:fake:DefaultModel", unnamed.Message);
        Assert.All(paths, p => Assert.Equal("/v1/models", p));
        Assert.True(paths.Count >= 2, "a miss reads the list again");
    }

    [Fact]
    public async Task EmbeddingsOfTheWrongCount_AreAProtocolError()
    {
        _server.Handler = FakeOpenAIServer.Json(200, """{"object":"list","model":"e","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2]}],"usage":{"prompt_tokens":2,"total_tokens":2}}""");
        using var backend = Backend();

        var ex = await Assert.ThrowsAsync<BackendProtocolException>(() => backend.GetEmbeddingGenerator().GenerateAsync(["one", "two"]));

        Assert.Contains("1 vectors for 2 texts", ex.Message);
    }

    private OpenAICompatibleBackend Backend(Action<OpenAICompatibleBackendOptions>? configure = null, TimeProvider? time = null)
    {
        // The request itself is what these tests inject faults into, so the model list is not read first.
        var options = new OpenAICompatibleBackendOptions { Endpoint = _server.ApiBase, CheckModels = false, DefaultModel = "m", EmbeddingModel = "e" };
        configure?.Invoke(options);
        return new OpenAICompatibleBackend("fake", options, timeProvider: time);
    }
}
