using BenchmarkDotNet.Attributes;
using LocalAI.Mlx;
using Microsoft.Extensions.AI;

namespace LocalAI.Benchmarks.Mlx;

/// <summary>How much faster do embedding batches travel as base64 float32 than as JSON floats, end to end through the generator?</summary>
[MemoryDiagnoser]
public class MlxEmbeddingTransferBenchmarks
{
    private MlxBackend _json = null!;
    private MlxBackend _base64 = null!;
    private IEmbeddingGenerator<string, Embedding<float>> _jsonGenerator = null!;
    private IEmbeddingGenerator<string, Embedding<float>> _base64Generator = null!;
    private string[] _texts = [];

    [Params(10, 64)]
    public int Count { get; set; }

    [Params(384, 768)]
    public int Dimensions { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _texts = Enumerable.Range(0, Count).Select(i => $"benchmark text number {i}").ToArray();
        _json = new MlxBackend(MlxBackend.DefaultId, MlxBenchmarkSidecar.Options(MlxEmbeddingEncoding.Json, Dimensions));
        _base64 = new MlxBackend(MlxBackend.DefaultId, MlxBenchmarkSidecar.Options(MlxEmbeddingEncoding.Base64, Dimensions));
        _jsonGenerator = _json.GetEmbeddingGenerator();
        _base64Generator = _base64.GetEmbeddingGenerator();

        // Warm both: the test engine caches its vectors, so the runs measure transfer, not generation.
        var a = await _jsonGenerator.GenerateAsync(_texts);
        var b = await _base64Generator.GenerateAsync(_texts);
        if (!a[Count - 1].Vector.Span.SequenceEqual(b[Count - 1].Vector.Span))
        {
            throw new InvalidOperationException("JSON and base64 vectors differ.");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _json.DisposeAsync();
        await _base64.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "JSON floats")]
    public async Task<int> Json() => (await _jsonGenerator.GenerateAsync(_texts)).Count;

    [Benchmark(Description = "base64 float32")]
    public async Task<int> Base64() => (await _base64Generator.GenerateAsync(_texts)).Count;
}
