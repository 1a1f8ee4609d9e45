using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LocalAI.Ollama.TestServer;
using LocalAI.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.Benchmarks.Ollama;

/// <summary>How long from "Ollama refuses the connection" to the fallback backend's answer: on the first request, and once Ollama is known down or its circuit is open?</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class OllamaFallbackBenchmarks
{
    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "hi")];
    private OllamaTestServer _failing = null!;
    private ServiceProvider? _fresh;
    private IChatClient _freshChat = null!;
    private ServiceProvider _memoryOnly = null!;
    private ServiceProvider _refused = null!;
    private ServiceProvider _circuitOpen = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _memoryOnly = Build(null);
        _refused = Build(RefusedEndpoint());
        _failing = await OllamaTestServer.StartAsync();
        _circuitOpen = Build(_failing.Uri);

        var chat = _circuitOpen.GetRequiredService<IChatClient>();
        await chat.GetResponseAsync(Prompt);
        _failing.Faults.StatusCode = 500;
        var manager = _circuitOpen.GetRequiredService<LocalAI.BackendManager>();
        for (var i = 0; i < 10 && manager.GetCircuitState("ollama") != LocalAI.BackendCircuitState.Open; i++)
        {
            await chat.GetResponseAsync(Prompt);
        }

        if (manager.GetCircuitState("ollama") != LocalAI.BackendCircuitState.Open)
        {
            throw new InvalidOperationException($"The Ollama circuit did not open ({manager.GetCircuitState("ollama")}, {_failing.RequestsTo("/api/chat").Count} chat requests, {_failing.RequestsTo("/api/version").Count} probes).");
        }

        await _refused.GetRequiredService<IChatClient>().GetResponseAsync(Prompt);
        await _memoryOnly.GetRequiredService<IChatClient>().GetResponseAsync(Prompt);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _memoryOnly.DisposeAsync();
        await _refused.DisposeAsync();
        await _circuitOpen.DisposeAsync();
        await _failing.DisposeAsync();
    }

    [IterationSetup(Targets = [nameof(FirstRequest_MemoryOnly)])]
    public void FreshMemoryOnly() => Fresh(null);

    [IterationSetup(Targets = [nameof(FirstRequest_OllamaRefused)])]
    public void FreshRefused() => Fresh(RefusedEndpoint());

    [IterationCleanup(Targets = [nameof(FirstRequest_MemoryOnly), nameof(FirstRequest_OllamaRefused)])]
    public void DisposeFresh() => _fresh!.Dispose();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("first-request")]
    public Task<ChatResponse> FirstRequest_MemoryOnly() => _freshChat.GetResponseAsync(Prompt);

    [Benchmark]
    [BenchmarkCategory("first-request")]
    public Task<ChatResponse> FirstRequest_OllamaRefused() => _freshChat.GetResponseAsync(Prompt);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("steady")]
    public Task<ChatResponse> Steady_MemoryOnly() => _memoryOnly.GetRequiredService<IChatClient>().GetResponseAsync(Prompt);

    [Benchmark]
    [BenchmarkCategory("steady")]
    public Task<ChatResponse> Steady_OllamaRefused_KnownDown() => _refused.GetRequiredService<IChatClient>().GetResponseAsync(Prompt);

    [Benchmark]
    [BenchmarkCategory("steady")]
    public Task<ChatResponse> Steady_OllamaCircuitOpen() => _circuitOpen.GetRequiredService<IChatClient>().GetResponseAsync(Prompt);

    private void Fresh(Uri? ollama)
    {
        _fresh = Build(ollama);
        _freshChat = _fresh.GetRequiredService<IChatClient>();
    }

    private static ServiceProvider Build(Uri? ollama)
    {
        var services = new ServiceCollection();
        services.AddLocalAI(b =>
        {
            if (ollama is not null)
            {
                b.AddOllama(o => o.Endpoint = ollama);
            }

            b.AddBackend("memory", _ => new FakeBackend("memory") { Chat = { Reply = "fallback", Usage = null } });
        }).Configure(o =>
        {
            o.Resilience.BreakDuration = TimeSpan.FromHours(1);
            o.Resilience.FailureRatio = 0.5;
        });
        return services.BuildServiceProvider();
    }

    private static Uri RefusedEndpoint()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }
}
