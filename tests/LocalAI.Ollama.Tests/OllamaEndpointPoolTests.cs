using System.Collections.Concurrent;

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

    private static string Take(BlockingCollection<string> arrivals) =>
        arrivals.TryTake(out var item, TestSupport.Wait) ? item : throw new TimeoutException("no request arrived");
}
