using BenchmarkDotNet.Attributes;
using LocalAI.Gguf.Native;
using LocalAI.Gguf.Tests.Fixtures;
using Microsoft.Extensions.AI;

namespace LocalAI.Gguf.Benchmarks;

/// <summary>What does our IChatClient cost against a bare loop over the same llama.cpp calls (same model, 1 thread, same batch)?</summary>
[MemoryDiagnoser]
public class ChatThroughputBenchmarks
{
    private const int OutputTokens = 64;
    private const int Threads = 1;
    private const int BatchSize = 256;
    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "Write a long story about a lighthouse keeper who finds a message in a bottle on a stormy night.")];

    private GgufBackend backend = null!;
    private IChatClient client = null!;
    private LlamaModel model = null!;
    private LlamaContext context = null!;
    private int[] promptTokens = [];
    private SafeLlamaSamplerHandle sampler = null!;

    [GlobalSetup]
    public void Setup()
    {
        var path = TinyModels.Chat();
        backend = new GgufBackend(new GgufBackendOptions { ModelPath = path, Threads = Threads, BatchSize = BatchSize, ContextSize = 1024, EnablePrefixCache = false, MaxParallelRequests = 1 });
        client = backend.GetChatClient();
        client.GetResponseAsync(Prompt, new ChatOptions { MaxOutputTokens = 2 }).GetAwaiter().GetResult();

        model = LlamaModel.Load(path);
        var p = LlamaApi.llama_context_default_params();
        p.NCtx = 1024;
        p.NBatch = p.NUbatch = BatchSize;
        p.NThreads = p.NThreadsBatch = Threads;
        context = model.CreateContext(p);
        promptTokens = backend.GetChatModel(null).BuildPrompt(Prompt, null);
        var chain = LlamaApi.llama_sampler_chain_default_params();
        chain.NoPerf = true;
        sampler = new SafeLlamaSamplerHandle(LlamaApi.llama_sampler_chain_init(chain));
        LlamaApi.llama_sampler_chain_add(sampler.Pointer, LlamaApi.llama_sampler_init_greedy());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        sampler.Dispose();
        context.Dispose();
        model.Dispose();
        backend.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Prompt then 64 greedy tokens, straight through the native calls, on a thread-pool thread as the client's work runs
    /// (BenchmarkDotNet raises its own thread's priority, which on a busy machine would favour whichever side ran there).</summary>
    [Benchmark(Baseline = true)]
    public Task<int> DirectLoop() => Task.Run(Loop);

    /// <summary>The same prompt and 64 greedy tokens through GetStreamingResponseAsync.</summary>
    [Benchmark]
    public async Task<int> ThroughChatClient()
    {
        var chars = 0;
        await foreach (var update in client.GetStreamingResponseAsync(Prompt, new ChatOptions { Temperature = 0, MaxOutputTokens = OutputTokens }))
        {
            chars += update.Text.Length;
        }

        return chars;
    }

    private int Loop()
    {
        context.ClearMemory();
        context.Decode(promptTokens);
        var piece = new byte[64];
        var bytes = 0;
        for (var i = 0; i < OutputTokens; i++)
        {
            var token = LlamaApi.llama_sampler_sample(sampler.Pointer, context.Pointer, -1);
            bytes += model.TokenToPiece(token, ref piece);
            context.DecodeOne(token);
        }

        return bytes;
    }
}
