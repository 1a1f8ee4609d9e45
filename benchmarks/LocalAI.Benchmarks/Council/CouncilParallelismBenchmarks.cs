using BenchmarkDotNet.Attributes;
using LocalAI.Council;
using Microsoft.Extensions.AI;

namespace LocalAI.Benchmarks.Council;

/// <summary>Does stage 1 run its agents in parallel? Five agents whose model takes a fixed 50 ms, against one such call.</summary>
[MemoryDiagnoser]
public class CouncilParallelismBenchmarks
{
    private const string Question = "Which sorting algorithm should I use for nearly sorted data?";
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(50);

    private readonly InstantChatClient[] _clients = Enumerable.Range(0, 5).Select(_ => new InstantChatClient(Latency)).ToArray();
    private readonly List<ChatMessage> _prompt = [new(ChatRole.User, Question)];
    private ChatCouncil _council = null!;

    [GlobalSetup]
    public void Setup()
    {
        _council = InstantChatClient.CreateCouncil(_clients);
    }

    [GlobalCleanup]
    public void Cleanup() => _council.Dispose();

    [Benchmark(Baseline = true)]
    public Task<ChatResponse> OneCall() => _clients[0].GetResponseAsync(_prompt);

    [Benchmark]
    public async Task<int> Stage1FiveAgents() => (await _council.RunOpinionsAsync(Question)).Count;

    [Benchmark]
    public async Task<int> FiveCallsOneAfterAnother()
    {
        foreach (var client in _clients)
        {
            await client.GetResponseAsync(_prompt);
        }

        return _clients.Length;
    }
}
