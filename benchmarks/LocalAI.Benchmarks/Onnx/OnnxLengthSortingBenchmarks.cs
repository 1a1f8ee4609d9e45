using BenchmarkDotNet.Attributes;
using LocalAI.Onnx;

namespace LocalAI.Benchmarks.Onnx;

/// <summary>What does sorting by length buy? 64 mixed-length texts in sub-batches of at most 32 (the default), each padded to its own longest text, in the order given or sorted by length.</summary>
[MemoryDiagnoser]
public class OnnxLengthSortingBenchmarks
{
    private OnnxEmbeddingGenerator _generator = null!;
    private SentenceEncoder _encoder = null!;
    private TokenizedBatch _batch = null!;

    [Params(32)]
    public int SubBatchSize { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _generator = OnnxBenchmarkModel.CreateGenerator(SubBatchSize);
        await _generator.LoadAsync();
        _encoder = _generator.Encoder!;
        _batch = _encoder.Tokenize(OnnxBenchmarkModel.MixedLengthTexts(64));
    }

    [GlobalCleanup]
    public void Cleanup() => _generator.Dispose();

    [Benchmark(Baseline = true, Description = "sub-batches in given order")]
    public int Unsorted() => _encoder.Embed(_batch, sortByLength: false, CancellationToken.None).Length;

    [Benchmark(Description = "sub-batches sorted by length")]
    public int Sorted() => _encoder.Embed(_batch, sortByLength: true, CancellationToken.None).Length;
}
