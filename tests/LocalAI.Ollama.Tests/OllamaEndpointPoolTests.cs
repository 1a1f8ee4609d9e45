using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace LocalAI.Ollama.Tests;

public sealed class OllamaEndpointPoolTests : IAsyncLifetime
{
    private OllamaTestServer _a = null!;
    private OllamaTestServer _b = null!;

    public async Task InitializeAsync()
    {
        _a = await OllamaTestServer.StartAsync();
        _b = await OllamaTestServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task Requests_GoToTheLeastBusyEndpoint_AndWaitBeyondThePerEndpointLimit()
    {
        var arrivals = new BlockingCollection<string>();
        var releaseA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseB = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _a.RequestStarted += p => arrivals.Add("a");
        _b.RequestStarted += p => arrivals.Add("b");
        _a.Faults.BeforeResponse = ct => releaseA.Task.WaitAsync(ct);
        _b.Faults.BeforeResponse = ct => releaseB.Task.WaitAsync(ct);
        await using var backend = new OllamaBackend(OllamaBackend.DefaultId, new OllamaBackendOptions
        {
            Endpoints = [_a.Uri, _b.Uri],
            MaxConcurrentRequestsPerEndpoint = 1,
            DefaultModel = "llama3.2",
        });
        var chat = backend.GetChatClient();

        var first = chat.GetResponseAsync("one");
        var firstAt = Take(arrivals);
        var second = chat.GetResponseAsync("two");
        var secondAt = Take(arrivals);
        var third = chat.GetResponseAsync("three");

        Assert.NotEqual(firstAt, secondAt);
        Assert.False(third.IsCompleted);
        Assert.Empty(arrivals);
        releaseA.SetResult();
        var thirdAt = Take(arrivals);
        releaseB.SetResult();
        await Task.WhenAll(first, second, third).WaitAsync(TestSupport.Wait);

        Assert.Equal("a", thirdAt);
        Assert.Equal(2, _a.RequestsTo("/api/chat").Count);
        Assert.Single(_b.RequestsTo("/api/chat"));
    }

    [Fact]
    public async Task ADeadEndpoint_IsSkipped_AndTheRequestServedByALiveOne()
    {
        var dead = TestSupport.RefusedEndpoint();
        await using var backend = new OllamaBackend(OllamaBackend.DefaultId, new OllamaBackendOptions { Endpoints = [dead, _a.Uri], DefaultModel = "llama3.2" });
        var chat = backend.GetChatClient();

        var first = await chat.GetResponseAsync("one");
        var streamed = await TestSupport.CollectAsync(chat.GetStreamingResponseAsync("two"));
        var embedded = await backend.GetEmbeddingGenerator().GenerateAsync(["three"]);

        Assert.Equal(_a.Uri.ToString(), first.AdditionalProperties?["ollama.endpoint"]);
        Assert.Equal("You said: two", string.Concat(streamed.Select(u => u.Text)));
        Assert.Single(embedded);
        Assert.True((await backend.GetStatusAsync()).IsAvailable);
    }

    [Fact]
    public async Task EveryEndpointDead_ThrowsBackendUnavailable()
    {
        await using var backend = new OllamaBackend(OllamaBackend.DefaultId, new OllamaBackendOptions { Endpoints = [TestSupport.RefusedEndpoint(), TestSupport.RefusedEndpoint()] });

        await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.GetChatClient().GetResponseAsync("x"));
        Assert.False((await backend.GetStatusAsync()).IsAvailable);
    }

    [Theory]
    [InlineData("500")]
    [InlineData("503")]
    [InlineData("eof")]
    public async Task ABrokenButListeningEndpoint_RetriesOnTheNextEndpoint_AndOnlyItsCircuitOpens(string fault)
    {
        if (fault == "eof")
        {
            _a.Faults.EofAfterTokens = 0;
        }
        else
        {
            _a.Faults.StatusCode = int.Parse(fault);
        }

        await using var backend = new OllamaBackend(OllamaBackend.DefaultId, new OllamaBackendOptions { Endpoints = [_a.Uri, _b.Uri], DefaultModel = "llama3.2" });
        var chat = backend.GetChatClient();

        var streamed = await TestSupport.CollectAsync(chat.GetStreamingResponseAsync("one"));
        var whole = await chat.GetResponseAsync("two");
        var again = await TestSupport.CollectAsync(chat.GetStreamingResponseAsync("three"));

        Assert.Equal("You said: one", string.Concat(streamed.Select(u => u.Text)));
        Assert.Equal(_b.Uri.ToString(), whole.AdditionalProperties?["ollama.endpoint"]);
        Assert.Equal("You said: three", string.Concat(again.Select(u => u.Text)));
        // The broken worker was tried once; its circuit then sent every request to the healthy one, whose circuit stayed closed.
        Assert.Single(_a.RequestsTo("/api/chat"));
        Assert.Equal(3, _b.RequestsTo("/api/chat").Count);
    }

    [Fact]
    public async Task NoFirstTokenInTime_RetriesTheStreamOnTheNextEndpoint()
    {
        var time = new FakeTimeProvider();
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _a.Faults.BeforeToken = (i, ct) =>
        {
            stalled.TrySetResult();
            return Task.Delay(Timeout.Infinite, ct);
        };
        await using var backend = new OllamaBackend(
            OllamaBackend.DefaultId,
            new OllamaBackendOptions { Endpoints = [_a.Uri, _b.Uri], DefaultModel = "llama3.2", GenerationTimeout = TimeSpan.FromSeconds(5) },
            timeProvider: time);

        var streaming = TestSupport.CollectAsync(backend.GetChatClient().GetStreamingResponseAsync("one"));
        await stalled.Task.WaitAsync(TestSupport.Wait);
        time.Advance(TimeSpan.FromSeconds(6));
        var updates = await streaming.WaitAsync(TestSupport.Wait);

        Assert.Equal("You said: one", string.Concat(updates.Select(u => u.Text)));
        Assert.Single(_b.RequestsTo("/api/chat"));
    }

    [Fact]
    public async Task EveryEndpointAnswers500_ThrowsBackendUnavailable_AfterTryingEachOnce()
    {
        _a.Faults.StatusCode = 500;
        _b.Faults.StatusCode = 500;
        await using var backend = new OllamaBackend(OllamaBackend.DefaultId, new OllamaBackendOptions { Endpoints = [_a.Uri, _b.Uri], DefaultModel = "llama3.2" });

        await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.GetChatClient().GetResponseAsync("x"));

        Assert.Single(_a.RequestsTo("/api/chat"));
        Assert.Single(_b.RequestsTo("/api/chat"));
    }

    [Fact]
    public async Task AnUnknownModel_IsNotRetriedOnAnotherEndpoint()
    {
        await using var backend = new OllamaBackend(OllamaBackend.DefaultId, new OllamaBackendOptions { Endpoints = [_a.Uri, _b.Uri], DefaultModel = "llama3.2" });

        await Assert.ThrowsAsync<ModelNotFoundException>(() => backend.GetChatClient("nope:1b").GetResponseAsync("x"));

        Assert.Equal(1, _a.RequestsTo("/api/chat").Count + _b.RequestsTo("/api/chat").Count);
    }

    private static string Take(BlockingCollection<string> arrivals) =>
        arrivals.TryTake(out var item, TestSupport.Wait) ? item : throw new TimeoutException("no request arrived");
}
