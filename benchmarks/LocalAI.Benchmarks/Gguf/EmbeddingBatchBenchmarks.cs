using BenchmarkDotNet.Attributes;
using LocalAI.Gguf;
using LocalAI.Testing.Gguf;
using Microsoft.Extensions.AI;

namespace LocalAI.Benchmarks.Gguf;

/// <summary>How many texts per second does the GGUF embedding generator embed in batches of 1, 10 and 64?</summary>
[MemoryDiagnoser]
public class EmbeddingBatchBenchmarks
{
    private GgufBackend _backend = null!;
    private IEmbeddingGenerator<string, Embedding<float>> _generator = null!;
    private string[] _texts = [];

    [Params(1, 10, 64)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _backend = new GgufBackend(GgufBackend.DefaultId, new GgufBackendOptions { EmbeddingModelPath = TinyModels.Embedding(), Threads = 1, MaxParallelRequests = 1 });
        _generator = _backend.GetEmbeddingGenerator();
        _texts = Enumerable.Range(0, BatchSize).Select(i => $"Sentence number {i} talks about ships, harbours and the weather at sea.").ToArray();
        _generator.GenerateAsync(_texts).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _backend.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>One call embedding <see cref="BatchSize"/> texts.</summary>
    [Benchmark]
    public Task<GeneratedEmbeddings<Embedding<float>>> Embed() => _generator.GenerateAsync(_texts);
}
