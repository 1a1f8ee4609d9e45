using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LocalAI.Backends.Tests.Support;
using LocalAI.Testing;
using Microsoft.Extensions.AI;

namespace LocalAI.Backends.Tests;

public sealed class FallbackChatClientTests
{
    public static TheoryData<string> TransientFailures => ["refused", "http500", "timeout", "unavailable", "protocol", "io", "socket", "model-missing", "internal-cancel"];

    private static Exception MakeFailure(string kind) => kind switch
    {
        "refused" => new HttpRequestException("Connection refused (127.0.0.1:11434)", new SocketException((int)SocketError.ConnectionRefused)),
        "http500" => new HttpRequestException("Internal Server Error", null, HttpStatusCode.InternalServerError),
        "timeout" => new TimeoutException("no answer"),
        "unavailable" => new BackendUnavailableException("process died"),
        "protocol" => new BackendProtocolException("malformed JSON line"),
        "io" => new IOException("pipe broken"),
        "socket" => new SocketException((int)SocketError.ConnectionReset),
        "model-missing" => new ModelNotFoundException("llama3", "a", "Pull it first."),
        "internal-cancel" => new TaskCanceledException("HttpClient.Timeout of 100 seconds elapsed"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Fact]
    public async Task GetResponseAsync_FirstAvailableBackendInPriorityOrder_ServesAndIsNamed()
    {
        var a = new FakeBackend("a") { Available = false };
        var b = new FakeBackend("b") { Chat = { Reply = "from b" } };
        var c = new FakeBackend("c") { Chat = { Reply = "from c" } };
        var (_, router) = Router.Create(Router.NewClock(), a, b, c);

        var response = await router.GetResponseAsync("hi");

        Assert.Equal("from b", response.Text);
        Assert.Equal("b", response.AdditionalProperties?[LocalAITelemetry.BackendTag]);
        Assert.Equal(0, a.Chat.Calls);
        Assert.Equal(0, c.Chat.Calls);
        Assert.Equal(5, response.Usage?.TotalTokenCount);
    }

    [Fact]
    public async Task GetResponseAsync_PriorityOptionReordersRegistrationOrder()
    {
        var a = new FakeBackend("a");
        var b = new FakeBackend("b") { Chat = { Reply = "from b" } };
        var (manager, router) = Router.Create(Router.NewClock(), new LocalAIOptions { Priority = ["b", "a"] }, a, b);

        var response = await router.GetResponseAsync("hi");

        Assert.Equal("from b", response.Text);
        Assert.Equal(["b", "a"], manager.Backends.Select(x => x.Id));
    }

    [Theory]
    [MemberData(nameof(TransientFailures))]
    public async Task GetResponseAsync_TransientFailure_FallsBackToNextBackend(string kind)
    {
        var a = new FakeBackend("a") { Chat = { Failure = MakeFailure(kind) } };
        var b = new FakeBackend("b") { Chat = { Reply = "from b" } };
        var (_, router) = Router.Create(Router.NewClock(), a, b);

        var response = await router.GetResponseAsync("hi");

        Assert.Equal("from b", response.Text);
        Assert.Equal("b", response.AdditionalProperties?[LocalAITelemetry.BackendTag]);
        Assert.Equal(1, a.Chat.Calls);
    }

    [Theory]
    [MemberData(nameof(TransientFailures))]
    public async Task GetStreamingResponseAsync_FailureBeforeFirstUpdate_FallsBack(string kind)
    {
        var a = new FakeBackend("a") { Chat = { Failure = MakeFailure(kind) } };
        var b = new FakeBackend("b") { Chat = { Reply = "b" } };
        var (_, router) = Router.Create(Router.NewClock(), a, b);

        var updates = await router.GetStreamingResponseAsync("hi").ToListAsync();

        Assert.Equal(["b0", "b1", "b2"], updates.Select(u => u.Text));
        Assert.All(updates, u => Assert.Equal("b", u.AdditionalProperties?[LocalAITelemetry.BackendTag]));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FailureAfterFirstUpdate_SurfacesErrorWithoutSwitching()
    {
        var failure = new HttpRequestException("connection reset mid-stream");
        var a = new FakeBackend("a") { Chat = { Reply = "a", Failure = failure, UpdatesBeforeFailure = 1 } };
        var b = new FakeBackend("b");
        var (_, router) = Router.Create(Router.NewClock(), a, b);
        var seen = new List<string>();

        var thrown = await Assert.ThrowsAsync<HttpRequestException>(async () =>
        {
            await foreach (var update in router.GetStreamingResponseAsync("hi"))
            {
                seen.Add(update.Text);
            }
        });

        Assert.Same(failure, thrown);
        Assert.Equal(["a0"], seen);
        Assert.Equal(0, b.Chat.Calls);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_NoFirstUpdateInTime_AbandonsBackendAndTriesNext()
    {
        var clock = Router.NewClock();
        var a = new FakeBackend("a") { Chat = { Gate = new TaskCompletionSource() } };
        var b = new FakeBackend("b") { Chat = { Reply = "b" } };
        var options = new LocalAIOptions { Resilience = { FirstUpdateTimeout = TimeSpan.FromSeconds(10) } };
        var (_, router) = Router.Create(clock, options, a, b);

        var pending = router.GetStreamingResponseAsync("hi").ToListAsync().AsTask();
        var token = await a.Chat.Entered.Task;
        Assert.False(pending.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(10));
        var updates = await pending;

        Assert.Equal(["b0", "b1", "b2"], updates.Select(u => u.Text));
        Assert.True(token.IsCancellationRequested, "the abandoned backend's stream must be cancelled");
    }

    [Fact]
    public async Task GetResponseAsync_WithRetry_RetriesSameBackendBeforeFallingBack()
    {
        var a = new FakeBackend("a") { Chat = { Reply = "from a", Failure = new HttpRequestException("reset"), FailingCalls = 1 } };
        var b = new FakeBackend("b");
        var options = new LocalAIOptions { Resilience = { RetryCount = 1, RetryDelay = TimeSpan.Zero } };
        var (_, router) = Router.Create(Router.NewClock(), options, a, b);

        var response = await router.GetResponseAsync("hi");

        Assert.Equal("from a", response.Text);
        Assert.Equal(2, a.Chat.Calls);
        Assert.Equal(0, b.Chat.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_NonTransientFailure_IsSurfacedWithoutFallback()
    {
        var failure = new ArgumentException("messages must not be empty");
        var a = new FakeBackend("a") { Chat = { Failure = failure } };
        var b = new FakeBackend("b");
        var (_, router) = Router.Create(Router.NewClock(), a, b);

        var thrown = await Assert.ThrowsAsync<ArgumentException>(() => router.GetResponseAsync("hi"));

        Assert.Same(failure, thrown);
        Assert.Equal(0, b.Chat.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_EveryBackendFails_ListsEachBackendAndWhy()
    {
        var a = new FakeBackend("a") { Chat = { Failure = new HttpRequestException("Connection refused") } };
        var b = new FakeBackend("b") { Available = false, UnavailableReason = "no model file configured" };
        var c = new FakeBackend("c", BackendCapabilities.Embeddings);
        var (_, router) = Router.Create(Router.NewClock(), new LocalAIOptions { MaxWaitForRecovery = TimeSpan.Zero }, a, b, c);

        var thrown = await Assert.ThrowsAsync<NoBackendAvailableException>(() => router.GetResponseAsync("hi"));

        Assert.Equal(["a", "b", "c"], thrown.Attempts.Select(x => x.BackendId));
        Assert.Contains("Connection refused", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("no model file configured", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("does not serve chat", thrown.Message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(thrown.Attempts[0].Exception);
    }

    [Fact]
    public async Task AnImage_GoesOnlyToVisionBackends_TextStillGoesFirstInOrder()
    {
        var text = new FakeBackend("text") { Chat = { Reply = "from text" } };
        var vision = new FakeBackend("vision", BackendCapabilities.Chat | BackendCapabilities.Streaming | BackendCapabilities.Vision) { Chat = { Reply = "from vision" } };
        var (_, router) = Router.Create(Router.NewClock(), text, vision);
        var image = new ChatMessage(ChatRole.User, [new TextContent("what is this?"), new DataContent(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, "image/png")]);
        var linked = new ChatMessage(ChatRole.User, [new UriContent(new Uri("https://example.com/cat.jpg"), "image/jpeg")]);

        var answer = await router.GetResponseAsync([image]);
        var streamed = await router.GetStreamingResponseAsync([linked]).ToListAsync();
        var plain = await router.GetResponseAsync("hi");

        Assert.Equal("from vision", answer.Text);
        Assert.NotEmpty(streamed);
        Assert.All(streamed, u => Assert.Equal("vision", u.AdditionalProperties?[LocalAITelemetry.BackendTag]));
        Assert.Equal("from text", plain.Text);
        Assert.Equal(1, text.Chat.Calls);
    }

    [Fact]
    public async Task AnImage_WithNoVisionBackendLeft_FailsNamingWhy_InsteadOfAnsweringFromTheTextAlone()
    {
        var vision = new FakeBackend("vision", BackendCapabilities.Chat | BackendCapabilities.Vision) { Chat = { Failure = new BackendProtocolException("image input is not supported") } };
        var text = new FakeBackend("text") { Chat = { Reply = "from text" } };
        var (_, router) = Router.Create(Router.NewClock(), new LocalAIOptions { MaxWaitForRecovery = TimeSpan.Zero }, vision, text);
        var image = new ChatMessage(ChatRole.User, [new TextContent("what is this?"), new DataContent(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, "image/png")]);

        var thrown = await Assert.ThrowsAsync<NoBackendAvailableException>(() => router.GetResponseAsync([image]));

        Assert.Equal(0, text.Chat.Calls);
        Assert.Contains("image input is not supported", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("does not take images", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Circuit_OpensAfterConfiguredFailures_SkipsBackend_ThenClosesAfterBreak()
    {
        var clock = Router.NewClock();
        var a = new FakeBackend("a") { Chat = { Reply = "from a", Failure = new HttpRequestException("Connection refused") } };
        var b = new FakeBackend("b") { Chat = { Reply = "from b" } };
        var options = new LocalAIOptions
        {
            StatusCacheTtl = TimeSpan.FromHours(1),
            Resilience = { MinimumThroughput = 2, FailureRatio = 1.0, BreakDuration = TimeSpan.FromSeconds(30) },
        };
        var (manager, router) = Router.Create(clock, options, a, b);

        await router.GetResponseAsync("1");
        Assert.Equal(BackendCircuitState.Closed, manager.GetCircuitState("a"));
        await router.GetResponseAsync("2");
        Assert.Equal(BackendCircuitState.Open, manager.GetCircuitState("a"));
        Assert.Equal(2, a.Chat.Calls);

        var third = await router.GetResponseAsync("3");
        Assert.Equal("from b", third.Text);
        Assert.Equal(2, a.Chat.Calls); // skipped while open, not called

        a.Chat.Failure = null;
        clock.Advance(TimeSpan.FromSeconds(31));
        var fourth = await router.GetResponseAsync("4");

        Assert.Equal("from a", fourth.Text);
        Assert.Equal(BackendCircuitState.Closed, manager.GetCircuitState("a"));
    }

    public static TheoryData<string> RequestSpecificFailures => ["model-missing", "bad-file", "unsupported"];

    [Theory]
    [MemberData(nameof(RequestSpecificFailures))]
    public async Task Circuit_StaysClosed_WhenTheFailureIsTheRequests_AndTheBackendServesOtherRequests(string kind)
    {
        var failure = kind switch
        {
            "model-missing" => new ModelNotFoundException("llama3", "a", "Pull it first."),
            "bad-file" => new InvalidModelFileException("/models/x.gguf", "bad magic", null),
            _ => (Exception)new NotSupportedException("images are not supported"),
        };
        var a = new FakeBackend("a") { Chat = { Reply = "from a", Failure = failure } };
        var b = new FakeBackend("b") { Chat = { Reply = "from b" } };
        var options = new LocalAIOptions
        {
            StatusCacheTtl = TimeSpan.FromHours(1),
            Resilience = { MinimumThroughput = 2, FailureRatio = 1.0, BreakDuration = TimeSpan.FromSeconds(30), RetryCount = 2 },
        };
        var (manager, router) = Router.Create(Router.NewClock(), options, a, b);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("from b", (await router.GetResponseAsync($"request {i}")).Text);
        }

        // Every request reached a once (no retries of a failure retrying cannot mend), and a's circuit stayed closed.
        Assert.Equal(5, a.Chat.Calls);
        Assert.Equal(BackendCircuitState.Closed, manager.GetCircuitState("a"));
        a.Chat.Failure = null;
        Assert.Equal("from a", (await router.GetResponseAsync("served")).Text);
    }

    [Fact]
    public async Task Circuit_WithDefaultRatio_OpensWhenMostRequestsFailDespiteOneSuccess()
    {
        var a = new FakeBackend("a") { Chat = { Reply = "from a" } };
        var b = new FakeBackend("b") { Chat = { Reply = "from b" } };
        var (manager, router) = Router.Create(Router.NewClock(), new LocalAIOptions { StatusCacheTtl = TimeSpan.FromHours(1) }, a, b);

        await router.GetResponseAsync("ok");
        a.Chat.Failure = new HttpRequestException("Internal Server Error", null, HttpStatusCode.InternalServerError);
        await router.GetResponseAsync("fails, b answers");
        await router.GetResponseAsync("fails, b answers");

        Assert.Equal(BackendCircuitState.Open, manager.GetCircuitState("a"));
        Assert.Equal(3, a.Chat.Calls);
    }

    [Fact]
    public async Task EveryBackendCoolingDown_WaitsForEarliestWithinBound()
    {
        var clock = Router.NewClock();
        var a = new FakeBackend("a") { Chat = { Reply = "from a", Failure = new TimeoutException() } };
        var options = new LocalAIOptions
        {
            StatusCacheTtl = TimeSpan.FromHours(1),
            MaxWaitForRecovery = TimeSpan.FromSeconds(5),
            Resilience = { MinimumThroughput = 2, BreakDuration = TimeSpan.FromSeconds(5) },
        };
        var (manager, router) = Router.Create(clock, options, a);
        await Assert.ThrowsAsync<NoBackendAvailableException>(() => router.GetResponseAsync("1"));
        await Assert.ThrowsAsync<NoBackendAvailableException>(() => router.GetResponseAsync("2"));
        Assert.Equal(BackendCircuitState.Open, manager.GetCircuitState("a"));
        a.Chat.Failure = null;

        var pending = router.GetResponseAsync("3");
        Assert.False(pending.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(5));
        var response = await pending;

        Assert.Equal("from a", response.Text);
    }

    [Fact]
    public async Task EveryBackendCoolingDownBeyondBound_FailsAtOnceNamingTheCircuit()
    {
        var clock = Router.NewClock();
        var a = new FakeBackend("a") { Chat = { Failure = new TimeoutException() } };
        var options = new LocalAIOptions
        {
            MaxWaitForRecovery = TimeSpan.FromSeconds(1),
            Resilience = { MinimumThroughput = 2, BreakDuration = TimeSpan.FromSeconds(30) },
        };
        var (_, router) = Router.Create(clock, options, a);
        await Assert.ThrowsAsync<NoBackendAvailableException>(() => router.GetResponseAsync("1"));
        await Assert.ThrowsAsync<NoBackendAvailableException>(() => router.GetResponseAsync("2"));

        var thrown = await Assert.ThrowsAsync<NoBackendAvailableException>(() => router.GetResponseAsync("3"));

        Assert.Contains("circuit open", thrown.Attempts.Single().Reason, StringComparison.Ordinal);
        Assert.Equal(2, a.Chat.Calls);
    }

    [Fact]
    public async Task Cancellation_ReachesTheBackend_AndDoesNotFallBack()
    {
        var a = new FakeBackend("a") { Chat = { Gate = new TaskCompletionSource() } };
        var b = new FakeBackend("b");
        var (_, router) = Router.Create(Router.NewClock(), a, b);
        using var cts = new CancellationTokenSource();

        var pending = router.GetResponseAsync("hi", cancellationToken: cts.Token);
        var backendToken = await a.Chat.Entered.Task;
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.True(backendToken.IsCancellationRequested);
        Assert.Equal(0, b.Chat.Calls);
    }

    [Fact]
    public async Task Cancellation_OfAStream_ReachesTheBackend()
    {
        var a = new FakeBackend("a") { Chat = { Gate = new TaskCompletionSource() } };
        var (_, router) = Router.Create(Router.NewClock(), a);
        using var cts = new CancellationTokenSource();

        var pending = router.GetStreamingResponseAsync("hi", cancellationToken: cts.Token).ToListAsync().AsTask();
        var backendToken = await a.Chat.Entered.Task;
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.True(backendToken.IsCancellationRequested);
    }

    [Fact]
    public async Task ModelId_PrefersBackendsThatListTheModel()
    {
        var a = new FakeBackend("a") { Models = { "llama3.2:3b" }, Chat = { Reply = "from a" } };
        var b = new FakeBackend("b") { Models = { "qwen2.5:0.5b" }, Chat = { Reply = "from b" } };
        var (manager, router) = Router.Create(Router.NewClock(), a, b);
        await manager.InitializeAsync();

        var response = await router.GetResponseAsync("hi", new ChatOptions { ModelId = "qwen2.5:0.5b" });
        var other = await router.GetResponseAsync("hi", new ChatOptions { ModelId = "unknown" });

        Assert.Equal("from b", response.Text);
        Assert.Equal("qwen2.5:0.5b", b.Chat.LastOptions?.ModelId);
        Assert.Equal("from a", other.Text);
    }

    [Fact]
    public async Task ModelId_ACatalogModelThatIsNotInstalledDoesNotPreferTheBackendThatListsIt()
    {
        var a = new FakeBackend("a") { CatalogModels = { new LocalModelInfo("qwen2.5:0.5b", "a") { IsInstalled = false } }, Chat = { Reply = "from a" } };
        var b = new FakeBackend("b") { Models = { "qwen2.5:0.5b" }, Chat = { Reply = "from b" } };
        var (manager, router) = Router.Create(Router.NewClock(), a, b);
        await manager.InitializeAsync();

        var response = await router.GetResponseAsync("hi", new ChatOptions { ModelId = "qwen2.5:0.5b" });

        Assert.Equal("from b", response.Text);
    }

    [Fact]
    public async Task ServingBackend_IsAnActivityTag()
    {
        var a = new FakeBackend("a");
        var (_, router) = Router.Create(Router.NewClock(), a);
        var seen = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == LocalAITelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = seen.Add,
        };
        ActivitySource.AddActivityListener(listener);

        await router.GetResponseAsync("hi");

        var activity = Assert.Single(seen, x => x.OperationName == "chat");
        Assert.Equal("a", activity.GetTagItem(LocalAITelemetry.BackendTag));
        Assert.Equal(ActivityKind.Client, activity.Kind);
    }

    [Fact]
    public async Task GetService_ReturnsManagerAndMetadata()
    {
        var (manager, router) = Router.Create(Router.NewClock(), new FakeBackend("a"));

        Assert.Same(manager, router.GetService<BackendManager>());
        Assert.Equal("LocalAI", router.GetService<ChatClientMetadata>()?.ProviderName);
        await Task.CompletedTask;
    }
}
