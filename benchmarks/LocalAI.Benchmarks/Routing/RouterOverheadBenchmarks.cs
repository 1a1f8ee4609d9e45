using BenchmarkDotNet.Attributes;
using LocalAI.Testing;
using Microsoft.Extensions.AI;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace LocalAI.Benchmarks.Routing;

/// <summary>What does the router add to a call, against calling the same in-memory client directly, and how much of that is the per-backend slot (resilience pipeline, tagging, telemetry)?</summary>
[MemoryDiagnoser]
public class RouterOverheadBenchmarks
{
    private static readonly ChatMessage[] Messages = [new(ChatRole.User, "hi")];

    private InMemoryChatClient _direct = null!;
    private FallbackChatClient _router = null!;
    private BackendSlot _slot = null!;
    private InMemoryChatClient _directStream = null!;
    private FallbackChatClient _streamRouter = null!;
    private BackendSlot _streamSlot = null!;
    private FallbackChatClient _openCircuitRouter = null!;
    private ResiliencePipeline _pipeline = null!;

    /// <summary>Gets or sets the number of updates per stream; comparing 1 with 100 separates per-stream from per-update cost.</summary>
    [Params(1, 100)]
    public int Updates { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _direct = new InMemoryChatClient(0);
        var resilience = new BackendResilienceOptions();
        _pipeline = new ResiliencePipelineBuilder()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = resilience.FailureRatio,
                MinimumThroughput = resilience.MinimumThroughput,
                SamplingDuration = resilience.SamplingDuration,
                BreakDuration = resilience.BreakDuration,
            })
            .AddTimeout(new TimeoutStrategyOptions { Timeout = resilience.AttemptTimeout })
            .Build();
        (_router, _slot) = await CreateRouterAsync(new FakeBackend("a") { ChatClient = _direct });
        _directStream = new InMemoryChatClient(Updates);
        (_streamRouter, _streamSlot) = await CreateRouterAsync(new FakeBackend("a") { ChatClient = _directStream });

        // The first backend's circuit is open: the router must skip it and serve from the second.
        var failing = new FailingChatClient();
        (_openCircuitRouter, _) = await CreateRouterAsync(new FakeBackend("down") { ChatClient = failing }, new FakeBackend("up") { ChatClient = new InMemoryChatClient(0) });
        for (var i = 0; i < 2; i++)
        {
            await _openCircuitRouter.GetResponseAsync(Messages);
        }

        var manager = _openCircuitRouter.GetService<BackendManager>()!;
        if (manager.GetCircuitState("down") != BackendCircuitState.Open)
        {
            throw new InvalidOperationException("The benchmark setup expected the first backend's circuit to be open.");
        }
    }

    [Benchmark(Baseline = true)]
    public Task<ChatResponse> Direct() => _direct.GetResponseAsync(Messages);

    /// <summary>Polly.Core's circuit breaker and timeout, as every slot runs them, around the same client: the floor of the slot's cost.</summary>
    [Benchmark]
    public async ValueTask<ChatResponse> PollyPipeline()
    {
        var context = ResilienceContextPool.Shared.Get(CancellationToken.None);
        try
        {
            return await _pipeline.ExecuteAsync(
                static (ctx, client) => new ValueTask<ChatResponse>(client.GetResponseAsync(Messages, null, ctx.CancellationToken)), context, _direct);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>The per-backend slot alone: the backend's resilience pipeline, the <c>localai.backend</c> tag and telemetry, without the candidate walk.</summary>
    [Benchmark]
    public ValueTask<ChatResponse> Slot() => _slot.GetResponseAsync(Messages, null, false, CancellationToken.None);

    [Benchmark]
    public Task<ChatResponse> Router() => _router.GetResponseAsync(Messages);

    [Benchmark]
    public Task<ChatResponse> RouterFirstCircuitOpen() => _openCircuitRouter.GetResponseAsync(Messages);

    [Benchmark]
    public async Task<int> DirectStream()
    {
        var n = 0;
        await foreach (var _ in _directStream.GetStreamingResponseAsync(Messages))
        {
            n++;
        }

        return n;
    }

    /// <summary>The per-backend slot's share of a stream: opening through the pipeline to the first update, then tagging each update.</summary>
    [Benchmark]
    public async Task<int> SlotStream()
    {
        var n = 0;
        await using var stream = await _streamSlot.OpenStreamAsync(Messages, null, false, CancellationToken.None);
        if (stream.HasFirst)
        {
            _ = stream.Current;
            n++;
            while (await stream.MoveNextAsync())
            {
                _ = stream.Current;
                n++;
            }
        }

        stream.Complete();
        return n;
    }

    [Benchmark]
    public async Task<int> RouterStream()
    {
        var n = 0;
        await foreach (var _ in _streamRouter.GetStreamingResponseAsync(Messages))
        {
            n++;
        }

        return n;
    }

    private static async Task<(FallbackChatClient Router, BackendSlot FirstSlot)> CreateRouterAsync(params ILocalBackend[] backends)
    {
        var options = new LocalAIOptions();
        BenchmarkRouterOptions.Apply(options);
        var manager = new BackendManager(backends, options);
        await manager.InitializeAsync();
        return (new FallbackChatClient(manager), manager.Walk(BackendCapabilities.Chat, null).Slots[0]);
    }

    private sealed class FailingChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromException<ChatResponse>(new HttpRequestException("Connection refused"));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new HttpRequestException("Connection refused");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
