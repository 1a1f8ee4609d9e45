using BenchmarkDotNet.Attributes;
using LocalAI.Onnx;

namespace LocalAI.Benchmarks.Onnx;

/// <summary>What does batching buy? One <c>GenerateAsync</c> call for N mixed-length texts against the naive path: one text per <c>InferenceSession.Run</c>, no sorting.</summary>
/// <remarks>Texts per second = N / mean time; the ratio column is the batched time over the naive time.</remarks>
[MemoryDiagnoser]
public class OnnxBatchingBenchmarks
{
    private OnnxEmbeddingGenerator _generator = null!;
    private SentenceEncoder _encoder = null!;
    private string[] _texts = [];

    [Params(1, 10, 64)]
    public int Texts { get; set; }

    /// <summary>Gets or sets the texts: <c>mixed</c> (3 to 110 words, mostly short) or <c>short</c> (5 to 12 words).</summary>
    [Params("mixed", "short")]
    public string Lengths { get; set; } = "mixed";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _generator = OnnxBenchmarkModel.CreateGenerator();
        await _generator.LoadAsync();
        _encoder = _generator.Encoder!;
        _texts = Lengths == "short" ? OnnxBenchmarkModel.ShortTexts(Texts) : OnnxBenchmarkModel.MixedLengthTexts(Texts);
    }

    [GlobalCleanup]
    public void Cleanup() => _generator.Dispose();

    [Benchmark(Baseline = true, Description = "naive: one text per run")]
    public int OneTextPerRun()
    {
        var total = 0;
        foreach (var text in _texts)
        {
            total += _encoder.Embed(_encoder.Tokenize([text]), sortByLength: false, CancellationToken.None).Length;
        }

        return total;
    }

    [Benchmark(Description = "batched: sorted sub-batches")]
    public async Task<int> Batched() => (await _generator.GenerateAsync(_texts)).Count;
}
