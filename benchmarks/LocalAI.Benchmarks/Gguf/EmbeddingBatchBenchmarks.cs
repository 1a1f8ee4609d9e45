using BenchmarkDotNet.Attributes;
using LocalAI.Gguf.Tests.Fixtures;
using Microsoft.Extensions.AI;

namespace LocalAI.Gguf.Benchmarks;

/// <summary>How many texts per second does the GGUF embedding generator embed in batches of 1, 10 and 64?</summary>
[MemoryDiagnoser]
public class EmbeddingBatchBenchmarks
{
    private GgufBackend backend = null!;
    private IEmbeddingGenerator<string, Embedding<float>> generator = null!;
    private string[] texts = [];

    [Params(1, 10, 64)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        backend = new GgufBackend(new GgufBackendOptions { EmbeddingModelPath = TinyModels.Embedding(), Threads = 1, MaxParallelRequests = 1 });
        generator = backend.GetEmbeddingGenerator();
        texts = Enumerable.Range(0, BatchSize).Select(i => $"Sentence number {i} talks about ships, harbours and the weather at sea.").ToArray();
        generator.GenerateAsync(texts).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => backend.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>One call embedding <see cref="BatchSize"/> texts.</summary>
    [Benchmark]
    public Task<GeneratedEmbeddings<Embedding<float>>> Embed() => generator.GenerateAsync(texts);
}
