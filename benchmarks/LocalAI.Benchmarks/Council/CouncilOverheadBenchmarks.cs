using BenchmarkDotNet.Attributes;
using LocalAI.Council;
using Microsoft.Extensions.AI;

namespace LocalAI.Benchmarks.Council;

/// <summary>
/// What does the council add on top of the model calls it makes? Five agents: 5 opinions, 5 reviews, 1 streamed synthesis,
/// with zero-latency clients (the orchestration cost alone) and with clients that take a fixed 50 ms per call.
/// </summary>
[MemoryDiagnoser]
public class CouncilOverheadBenchmarks
{
    private const string Question = "Which sorting algorithm should I use for nearly sorted data?";

    private InstantChatClient[] _clients = [];
    private readonly List<ChatMessage> _opinionPrompt = [new(ChatRole.User, Question)];
    private readonly List<ChatMessage> _reviewPrompt = [new(ChatRole.System, "review"), new(ChatRole.User, "four responses")];
    private readonly ChatOptions _reviewOptions = new() { ResponseFormat = ChatResponseFormat.Json };
    private ChatCouncil _council = null!;

    /// <summary>Gets or sets the latency of every model call, in milliseconds.</summary>
    [Params(0, 50)]
    public int LatencyMs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _clients = Enumerable.Range(0, 5).Select(_ => new InstantChatClient(TimeSpan.FromMilliseconds(LatencyMs))).ToArray();
        _council = InstantChatClient.CreateCouncil(_clients);
    }

    [GlobalCleanup]
    public void Cleanup() => _council.Dispose();

    /// <summary>The same eleven calls made directly, with the same parallelism, prepared prompts, and nothing done with the answers.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> BareModelCalls()
    {
        var opinions = await Task.WhenAll(_clients.Select(c => c.GetResponseAsync(_opinionPrompt)));
        var reviews = await Task.WhenAll(_clients.Select(c => c.GetResponseAsync(_reviewPrompt, _reviewOptions)));
        var tokens = 0;
        await foreach (var update in _clients[0].GetStreamingResponseAsync(_reviewPrompt))
        {
            tokens += update.Text.Length;
        }

        return opinions.Length + reviews.Length + tokens;
    }

    [Benchmark]
    public async Task<long> RunAsync() => (await _council.RunAsync(Question)).TokenUsage.TotalTokens;

    [Benchmark]
    public async Task<int> StreamAsync()
    {
        var count = 0;
        await foreach (var _ in _council.StreamAsync(Question))
        {
            count++;
        }

        return count;
    }
}
