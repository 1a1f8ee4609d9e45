using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace LocalAI.Benchmarks.Routing;

/// <summary>What does the router add to a call, against calling the same in-memory client directly?</summary>
[MemoryDiagnoser]
public class RouterOverheadBenchmarks
{
    private static readonly ChatMessage[] Messages = [new(ChatRole.User, "hi")];

    private InMemoryChatClient _direct = null!;
    private FallbackChatClient _router = null!;
    private InMemoryChatClient _directStream = null!;
    private FallbackChatClient _streamRouter = null!;
    private FallbackChatClient _openCircuitRouter = null!;
    private BareFailoverChatClient _bareFailover = null!;

    /// <summary>Gets or sets the number of updates per stream; comparing 1 with 100 separates per-stream from per-update cost.</summary>
    [Params(1, 100)]
    public int Updates { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _direct = new InMemoryChatClient(0);
        _router = await CreateRouterAsync(new InMemoryBackend("a", _direct));
        _bareFailover = new BareFailoverChatClient(_direct);
        _directStream = new InMemoryChatClient(Updates);
        _streamRouter = await CreateRouterAsync(new InMemoryBackend("a", _directStream));

        // The first backend's circuit is open: the router must skip it and serve from the second.
        var failing = new FailingChatClient();
        _openCircuitRouter = await CreateRouterAsync(new InMemoryBackend("down", failing), new InMemoryBackend("up", new InMemoryChatClient(0)));
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

    /// <summary>Microsoft.Extensions.AI's failover base alone, selecting the same client every time: the floor the router stands on.</summary>
    [Benchmark]
    public Task<ChatResponse> BareFailover() => _bareFailover.GetResponseAsync(Messages);

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

    private static async Task<FallbackChatClient> CreateRouterAsync(params ILocalBackend[] backends)
    {
        var options = new LocalAIOptions
        {
            StatusCacheTtl = TimeSpan.FromDays(1),
            Resilience = { MinimumThroughput = 2, BreakDuration = TimeSpan.FromDays(1), SamplingDuration = TimeSpan.FromDays(1) },
        };
        var manager = new BackendManager(backends, options);
        await manager.InitializeAsync();
        return new FallbackChatClient(manager);
    }

    private sealed class BareFailoverChatClient(IChatClient client) : FailoverChatClient
    {
        protected override ValueTask<IChatClient> SelectClientAsync(RoutingContext context, CancellationToken cancellationToken) =>
            new(client);
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
