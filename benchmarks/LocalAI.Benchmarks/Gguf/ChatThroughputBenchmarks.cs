using BenchmarkDotNet.Attributes;
using LocalAI.Gguf;
using LocalAI.Testing.Gguf;
using Microsoft.Extensions.AI;

namespace LocalAI.Benchmarks.Gguf;

/// <summary>What does our IChatClient cost against a bare loop over the same llama.cpp calls (same model, 1 thread, same batch),
/// and what does a <see cref="ChatResponseFormat.Json"/> grammar add to the same fixed-length generation?</summary>
[MemoryDiagnoser]
public class ChatThroughputBenchmarks
{
    private const int OutputTokens = 64;
    private const int Threads = 1;
    private const int BatchSize = 256;
    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "Write a long story about a lighthouse keeper who finds a message in a bottle on a stormy night.")];

    private GgufBackend _backend = null!;
    private IChatClient _client = null!;
    private LlamaModel _model = null!;
    private LlamaContext _context = null!;
    private int[] _promptTokens = [];
    private LlamaSampler _sampler = null!;

    [GlobalSetup]
    public void Setup()
    {
        var path = TinyModels.Chat();
        _backend = new GgufBackend(GgufBackend.DefaultId, new GgufBackendOptions { ModelPath = path, Threads = Threads, BatchSize = BatchSize, ContextSize = 1024, EnablePrefixCache = false, MaxParallelRequests = 1 });
        _client = _backend.GetChatClient();
        _client.GetResponseAsync(Prompt, new ChatOptions { MaxOutputTokens = 2 }).GetAwaiter().GetResult();
        var json = _client.GetResponseAsync(Prompt, JsonOptions()).GetAwaiter().GetResult();
        if (json.Usage?.OutputTokenCount != OutputTokens)
        {
            throw new InvalidOperationException($"The JSON-constrained reply stopped after {json.Usage?.OutputTokenCount} tokens, not {OutputTokens}; the two generations would not be comparable.");
        }

        _model = LlamaModel.Load(path);
        _context = _model.CreateContext(1024, BatchSize, Threads);
        _promptTokens = _backend.GetChatModelAsync(null, CancellationToken.None).GetAwaiter().GetResult().BuildPrompt(Prompt, null);
        _sampler = LlamaSampler.Create(_model, SamplerSettings.From(new ChatOptions { Temperature = 0 }, grammar: null));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sampler.Dispose();
        _context.Dispose();
        _model.Dispose();
        _backend.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Prompt then 64 greedy tokens, straight through the native calls, on a thread-pool thread as the client's work runs
    /// (BenchmarkDotNet raises its own thread's priority, which on a busy machine would favour whichever side ran there).</summary>
    [Benchmark(Baseline = true)]
    public Task<int> DirectLoop() => Task.Run(Loop);

    /// <summary>The same prompt and 64 greedy tokens through GetStreamingResponseAsync.</summary>
    [Benchmark]
    public Task<int> ThroughChatClient() => StreamAsync(new ChatOptions { Temperature = 0, MaxOutputTokens = OutputTokens });

    /// <summary>The same prompt and 64 greedy tokens through GetStreamingResponseAsync, sampled under the JSON-object grammar
    /// (setup checks the reply runs the full 64 tokens rather than closing the object early).</summary>
    [Benchmark]
    public Task<int> ThroughChatClientJson() => StreamAsync(JsonOptions());

    private async Task<int> StreamAsync(ChatOptions options)
    {
        var chars = 0;
        await foreach (var update in _client.GetStreamingResponseAsync(Prompt, options))
        {
            chars += update.Text.Length;
        }

        return chars;
    }

    private static ChatOptions JsonOptions() => new() { Temperature = 0, MaxOutputTokens = OutputTokens, ResponseFormat = ChatResponseFormat.Json };

    private int Loop()
    {
        _context.ClearMemory();
        _context.Decode(_promptTokens);
        var piece = new byte[64];
        var bytes = 0;
        for (var i = 0; i < OutputTokens; i++)
        {
            var token = _sampler.Sample(_context);
            bytes += _model.TokenToPiece(token, ref piece);
            _context.DecodeOne(token);
        }

        return bytes;
    }
}
