using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace LocalAI.Ollama.Tests;

public sealed class OllamaChatClientTests : IAsyncLifetime
{
    private OllamaTestServer _server = null!;

    public async Task InitializeAsync() => _server = await OllamaTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task GetResponseAsync_ReturnsTextUsageModelAndEndpoint()
    {
        await using var backend = TestSupport.CreateBackend(_server);
        var response = await backend.GetChatClient().GetResponseAsync("hello there");

        Assert.Equal("You said: hello there", response.Text);
        Assert.Equal(2, response.Usage?.InputTokenCount);
        Assert.Equal(4, response.Usage?.OutputTokenCount);
        Assert.Equal("llama3.2:latest", response.ModelId);
        Assert.Equal(_server.Uri.ToString(), response.AdditionalProperties?["ollama.endpoint"]);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task Metadata_NamesTheConfiguredBackendId_AsProvider()
    {
        await using var backend = TestSupport.CreateBackend(_server, id: "ollama-gpu");
        using var chat = backend.GetChatClient();
        using var embeddings = backend.GetEmbeddingGenerator();

        Assert.Equal("ollama-gpu", chat.GetService<ChatClientMetadata>()?.ProviderName);
        Assert.Equal("ollama-gpu", embeddings.GetService<EmbeddingGeneratorMetadata>()?.ProviderName);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_YieldsEveryTokenInOrderThenUsage()
    {
        await using var backend = TestSupport.CreateBackend(_server);
        var updates = await TestSupport.CollectAsync(backend.GetChatClient().GetStreamingResponseAsync("one two three"));

        Assert.Equal(["You ", "said: ", "one ", "two ", "three"], updates.Select(u => u.Text).Where(t => t.Length > 0));
        var usage = updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single();
        Assert.Equal(3, usage.Details.InputTokenCount);
        Assert.Equal(5, usage.Details.OutputTokenCount);
    }

    [Fact]
    public async Task JsonResponseFormat_IsSentAsOllamaFormat()
    {
        await using var backend = TestSupport.CreateBackend(_server);
        var response = await backend.GetChatClient().GetResponseAsync("ping", new ChatOptions { ResponseFormat = ChatResponseFormat.Json });

        Assert.Equal("json", (string?)_server.RequestsTo("/api/chat").Single().Body!["format"]);
        Assert.Equal("ping", (string?)JsonNode.Parse(response.Text)!["echo"]);
    }

    [Fact]
    public async Task ContextSizeAndKeepAlive_ArePassedThrough_AndARequestCanOverrideTheContextSize()
    {
        await using var backend = TestSupport.CreateBackend(_server, o =>
        {
            o.ContextSize = 16384;
            o.KeepAlive = TimeSpan.FromMinutes(10);
        });
        var chat = backend.GetChatClient();
        await chat.GetResponseAsync("a");
        await chat.GetResponseAsync("b", new ChatOptions { AdditionalProperties = new() { ["num_ctx"] = 2048 }, MaxOutputTokens = 1 });

        var requests = _server.RequestsTo("/api/chat");
        Assert.Equal(16384, (int)requests[0].Body!["options"]!["num_ctx"]!);
        Assert.Equal("600s", (string?)requests[0].Body!["keep_alive"]);
        Assert.Equal(2048, (int)requests[1].Body!["options"]!["num_ctx"]!);
        Assert.Equal(1, (int)requests[1].Body!["options"]!["num_predict"]!);
    }

    [Fact]
    public async Task MaxOutputTokens_StopsWithLengthReason()
    {
        await using var backend = TestSupport.CreateBackend(_server);
        var response = await backend.GetChatClient().GetResponseAsync("a b c d", new ChatOptions { MaxOutputTokens = 1 });

        Assert.Equal("You ", response.Text);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(1, response.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task DataContentImages_AreSentAsBase64Images()
    {
        await using var backend = TestSupport.CreateBackend(_server);
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
        var message = new ChatMessage(ChatRole.User, [new TextContent("what is this"), new DataContent(png, "image/png")]);

        var response = await backend.GetChatClient("llava:7b").GetResponseAsync([message]);

        Assert.Equal("I see 1 image(s). You said: what is this", response.Text);
        var images = (JsonArray)_server.RequestsTo("/api/chat").Single().Body!["messages"]![0]!["images"]!;
        Assert.Equal(Convert.ToBase64String(png), (string?)images.Single());
        Assert.True(backend.Capabilities.HasFlag(BackendCapabilities.Vision));
    }

    [Fact]
    public async Task UnknownModel_ThrowsModelNotFound_WithAPullHint()
    {
        await using var backend = TestSupport.CreateBackend(_server);
        var ex = await Assert.ThrowsAsync<ModelNotFoundException>(() => backend.GetChatClient("nope:1b").GetResponseAsync("hi"));

        Assert.Equal("nope:1b", ex.Model);
        Assert.Contains("ollama pull nope:1b", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http500_ThrowsBackendUnavailable()
    {
        _server.Faults.StatusCode = 500;
        await using var backend = TestSupport.CreateBackend(_server);

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.GetChatClient().GetResponseAsync("hi"));
        Assert.Equal("ollama", ex.BackendId);
        await Assert.ThrowsAsync<BackendUnavailableException>(() => TestSupport.CollectAsync(backend.GetChatClient().GetStreamingResponseAsync("hi")));
    }

    [Fact]
    public async Task Http500_KeepsTheServersOwnWords()
    {
        _server.Faults.StatusCode = 500;
        _server.Faults.ErrorMessage = "llama runner process has terminated: exit status 2";
        await using var backend = TestSupport.CreateBackend(_server);

        var whole = await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.GetChatClient().GetResponseAsync("hi"));
        var streamed = await Assert.ThrowsAsync<BackendUnavailableException>(() => TestSupport.CollectAsync(backend.GetChatClient().GetStreamingResponseAsync("hi")));

        Assert.Contains("llama runner process has terminated: exit status 2", whole.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 500", whole.Message, StringComparison.Ordinal);
        Assert.Contains("llama runner process has terminated: exit status 2", streamed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("may have crashed", streamed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnErrorLineMidStream_KeepsTheServersOwnWords_AfterTheTokensReceived()
    {
        _server.Faults.ErrorLineAfterTokens = 2;
        _server.Faults.ErrorMessage = "llama runner process has terminated: signal: killed";
        await using var backend = TestSupport.CreateBackend(_server);
        var received = new List<ChatResponseUpdate>();

        var ex = await Assert.ThrowsAnyAsync<LocalAIException>(() => TestSupport.CollectAsync(backend.GetChatClient().GetStreamingResponseAsync("a b c d"), received));

        Assert.Contains("llama runner process has terminated: signal: killed", ex.Message, StringComparison.Ordinal);
        Assert.Equal("You said: ", string.Concat(received.Select(u => u.Text)));
    }

    [Fact]
    public async Task AnErrorLineFirst_FailsBeforeTheFirstUpdate_WithTheServersWords()
    {
        _server.Faults.ErrorLineAfterTokens = 0;
        _server.Faults.ErrorMessage = "model requires more system memory (9.1 GiB) than is available (2.0 GiB)";
        await using var backend = TestSupport.CreateBackend(_server);
        var received = new List<ChatResponseUpdate>();

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => TestSupport.CollectAsync(backend.GetChatClient().GetStreamingResponseAsync("hi"), received));

        Assert.Empty(received);
        Assert.Contains("more system memory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionRefused_ThrowsBackendUnavailable_NamingTheEndpoint()
    {
        var refused = TestSupport.RefusedEndpoint();
        await using var backend = TestSupport.CreateBackend(refused);

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.GetChatClient().GetResponseAsync("hi"));
        Assert.Contains(refused.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("ollama serve", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<BackendUnavailableException>(() => TestSupport.CollectAsync(backend.GetChatClient().GetStreamingResponseAsync("hi")));
    }

    [Fact]
    public async Task EofInTheMiddleOfTheStream_ThrowsProtocolException_AfterTheTokensReceived()
    {
        var clientHasTwo = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Faults.BeforeToken = (i, ct) => i == 2 ? clientHasTwo.Task.WaitAsync(ct) : Task.CompletedTask;
        _server.Faults.EofAfterTokens = 2;
        await using var backend = TestSupport.CreateBackend(_server);

        await using var stream = backend.GetChatClient().GetStreamingResponseAsync("a b c").GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal("You ", stream.Current.Text);
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal("said: ", stream.Current.Text);
        clientHasTwo.SetResult();

        var ex = await Assert.ThrowsAsync<BackendProtocolException>(async () => await stream.MoveNextAsync());
        Assert.Contains("closed the connection", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedNdjsonLine_ThrowsProtocolException()
    {
        _server.Faults.MalformedLineAfterTokens = 1;
        await using var backend = TestSupport.CreateBackend(_server);

        var ex = await Assert.ThrowsAsync<BackendProtocolException>(() => TestSupport.CollectAsync(backend.GetChatClient().GetStreamingResponseAsync("a b c")));
        Assert.Contains("JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamEndingWithoutDone_ThrowsProtocolException()
    {
        _server.Faults.EndWithoutDone = true;
        await using var backend = TestSupport.CreateBackend(_server);

        var ex = await Assert.ThrowsAsync<BackendProtocolException>(() => TestSupport.CollectAsync(backend.GetChatClient().GetStreamingResponseAsync("a")));
        Assert.Contains("done", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowFirstByte_BeyondTheGenerationTimeout_ThrowsBackendUnavailable()
    {
        var time = new FakeTimeProvider();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Faults.BeforeResponse = async ct =>
        {
            arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        };
        await using var backend = TestSupport.CreateBackend(_server, o => o.GenerationTimeout = TimeSpan.FromSeconds(120), time);

        var call = backend.GetChatClient().GetResponseAsync("hi");
        await arrived.Task.WaitAsync(TestSupport.Wait);
        time.Advance(TimeSpan.FromSeconds(119));
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => call.WaitAsync(TestSupport.Wait));
        Assert.IsType<TimeoutException>(ex.InnerException);
    }

    [Fact]
    public async Task StalledStream_TimesOutAfterTheIdleLimit_AndTheServerSeesTheAbort()
    {
        var time = new FakeTimeProvider();
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Faults.BeforeToken = async (i, ct) =>
        {
            if (i == 2)
            {
                stalled.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }
        };
        await using var backend = TestSupport.CreateBackend(_server, o => o.GenerationTimeout = TimeSpan.FromSeconds(30), time);

        await using var stream = backend.GetChatClient().GetStreamingResponseAsync("a b c").GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        Assert.True(await stream.MoveNextAsync());
        var third = stream.MoveNextAsync().AsTask();
        await stalled.Task.WaitAsync(TestSupport.Wait);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => third.WaitAsync(TestSupport.Wait));
        Assert.Contains("sent no token", ex.Message, StringComparison.Ordinal);
        await _server.StreamAborted.WaitAsync(TestSupport.Wait);
    }

    [Fact]
    public async Task Streaming_DoesNotTimeOut_WhileTokensKeepFlowing()
    {
        var time = new FakeTimeProvider();
        await using var backend = TestSupport.CreateBackend(_server, o => o.GenerationTimeout = TimeSpan.FromSeconds(120), time);
        var count = 0;

        // Each token comes 100 s after the previous one: 500 s in all, far beyond the 120 s limit, never 120 s without a token.
        await foreach (var update in backend.GetChatClient().GetStreamingResponseAsync("a b c"))
        {
            count++;
            time.Advance(TimeSpan.FromSeconds(100));
        }

        Assert.Equal(6, count);
    }

    [Fact]
    public async Task CancellingAStream_StopsTheServerSide()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Faults.BeforeToken = async (i, ct) =>
        {
            if (i == 1)
            {
                gate.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }
        };
        await using var backend = TestSupport.CreateBackend(_server);
        using var cts = new CancellationTokenSource();

        var reading = TestSupport.CollectAsync(backend.GetChatClient().GetStreamingResponseAsync("a b", cancellationToken: cts.Token));
        await gate.Task.WaitAsync(TestSupport.Wait);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(TestSupport.Wait));
        await _server.StreamAborted.WaitAsync(TestSupport.Wait);
    }
}
