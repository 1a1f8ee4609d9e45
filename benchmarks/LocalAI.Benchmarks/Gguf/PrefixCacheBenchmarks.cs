using BenchmarkDotNet.Attributes;
using LocalAI.Gguf;
using LocalAI.Testing.Gguf;
using Microsoft.Extensions.AI;

namespace LocalAI.Benchmarks.Gguf;

/// <summary>How much time does reusing the KV cache of the previous turn save over a 10-turn conversation?</summary>
[MemoryDiagnoser]
public class PrefixCacheBenchmarks
{
    private const int Turns = 10;
    private GgufBackend _cached = null!;
    private GgufBackend _uncached = null!;

    [GlobalSetup]
    public void Setup()
    {
        var path = TinyModels.Chat();
        _cached = new GgufBackend(GgufBackend.DefaultId, Options(path, true));
        _uncached = new GgufBackend(GgufBackend.DefaultId, Options(path, false));
        RunConversation(_cached).GetAwaiter().GetResult();
        RunConversation(_uncached).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cached.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _uncached.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Ten turns, every prompt evaluated from the start.</summary>
    [Benchmark(Baseline = true)]
    public Task<int> WithoutPrefixCache() => RunConversation(_uncached);

    /// <summary>Ten turns, each reusing the previous turn's KV cache.</summary>
    [Benchmark]
    public Task<int> WithPrefixCache() => RunConversation(_cached);

    private static GgufBackendOptions Options(string path, bool prefixCache) =>
        new() { ModelPath = path, Threads = 1, ContextSize = 2048, BatchSize = 256, MaxParallelRequests = 1, EnablePrefixCache = prefixCache };

    private static async Task<int> RunConversation(GgufBackend backend)
    {
        var client = backend.GetChatClient();
        var conversation = new List<ChatMessage> { new(ChatRole.System, "You are a helpful assistant that answers questions about sailing, the sea and the weather in detail.") };
        var total = 0;
        for (var turn = 0; turn < Turns; turn++)
        {
            conversation.Add(new ChatMessage(ChatRole.User, $"Question {turn}: what should a sailor know about tides, currents and the wind on day {turn} of a long voyage?"));
            var response = await client.GetResponseAsync(conversation, new ChatOptions { Temperature = 0, MaxOutputTokens = 16 });
            conversation.AddRange(response.Messages);
            total += response.Usage!.OutputTokenCount is { } n ? (int)n : 0;
        }

        return total;
    }
}
