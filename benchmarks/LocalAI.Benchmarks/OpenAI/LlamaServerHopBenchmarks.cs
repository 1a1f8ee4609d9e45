using BenchmarkDotNet.Attributes;
using LocalAI.Gguf;
using LocalAI.OpenAI;
using LocalAI.Testing.Gguf;
using LocalAI.Testing.LlamaServer;
using Microsoft.Extensions.AI;

namespace LocalAI.Benchmarks.OpenAI;

/// <summary>What does the HTTP hop cost? The same tiny model, greedy, one thread, one slot, prompt cache on in both:
/// in-process through LocalAI.Gguf against llama.cpp's llama-server through the OpenAI-compatible backend.
/// With 64 output tokens the ratio is the generation speed; with 1 it is the per-request overhead.</summary>
[MemoryDiagnoser]
public class LlamaServerHopBenchmarks
{
    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "Write a long story about a lighthouse keeper who finds a message in a bottle on a stormy night.")];

    private GgufBackend _gguf = null!;
    private IChatClient _inProcess = null!;
    private LlamaServer _server = null!;
    private OpenAICompatibleBackend _openAI = null!;
    private IChatClient _overHttp = null!;
    private ChatOptions _options = null!;

    [Params(1, 64)]
    public int OutputTokens { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var path = TinyModels.Chat();
        _options = new ChatOptions { Temperature = 0, MaxOutputTokens = OutputTokens };
        _gguf = new GgufBackend(GgufBackend.DefaultId, new GgufBackendOptions { ModelPath = path, Threads = 1, BatchSize = 256, ContextSize = 1024, EnablePrefixCache = true, MaxParallelRequests = 1 });
        _inProcess = _gguf.GetChatClient();
        _server = LlamaServer.StartAsync(path, "--alias", "tiny-llama", "-np", "1").GetAwaiter().GetResult();
        _openAI = new OpenAICompatibleBackend("llamaserver", new OpenAICompatibleBackendOptions { Endpoint = _server.ApiBase, DefaultModel = "tiny-llama" });
        _overHttp = _openAI.GetChatClient();

        // Both sides must generate the same number of tokens, or the ratio compares different work.
        foreach (var (name, client) in new[] { ("in-process", _inProcess), ("llama-server", _overHttp) })
        {
            var response = client.GetResponseAsync(Prompt, _options).GetAwaiter().GetResult();
            if (response.Usage?.OutputTokenCount != OutputTokens)
            {
                throw new InvalidOperationException($"{name} generated {response.Usage?.OutputTokenCount} tokens, not {OutputTokens}.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _openAI.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _gguf.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The prompt and the tokens streamed from llama.cpp in this process.</summary>
    [Benchmark(Baseline = true)]
    public Task<int> InProcessGguf() => StreamAsync(_inProcess);

    /// <summary>The same prompt and tokens streamed from llama-server over loopback HTTP (SSE) through the OpenAI client.</summary>
    [Benchmark]
    public Task<int> LlamaServerOverHttp() => StreamAsync(_overHttp);

    private async Task<int> StreamAsync(IChatClient client)
    {
        var chars = 0;
        await foreach (var update in client.GetStreamingResponseAsync(Prompt, _options))
        {
            chars += update.Text.Length;
        }

        return chars;
    }
}
