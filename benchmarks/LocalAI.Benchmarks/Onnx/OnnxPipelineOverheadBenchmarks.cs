using BenchmarkDotNet.Attributes;
using LocalAI.Onnx;
using LocalAI.Onnx.Embeddings;

namespace LocalAI.Benchmarks.Onnx;

/// <summary>
/// What share of the time is spent outside <c>InferenceSession.Run</c> (tokenizing, padding, pooling, normalising)?
/// The baseline runs the model alone on inputs built beforehand, for the same sub-batches as the full pipeline; the
/// share outside is <c>1 - 1 / ratio</c>.
/// </summary>
[MemoryDiagnoser]
public class OnnxPipelineOverheadBenchmarks
{
    private OnnxEmbeddingGenerator _generator = null!;
    private SentenceEncoder _encoder = null!;
    private string[] _texts = [];
    private SubBatchInputs[] _inputs = [];

    [Params(10, 64)]
    public int Texts { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _generator = OnnxBenchmarkModel.CreateGenerator();
        _generator.LoadAsync().GetAwaiter().GetResult();
        _encoder = _generator.Encoder!;
        _texts = OnnxBenchmarkModel.MixedLengthTexts(Texts);
        var batch = _encoder.Tokenize(_texts);
        _inputs = [.. _encoder.PlanSubBatches(batch, sortByLength: true).Select(rows => _encoder.BuildInputs(batch.Ids, rows))];
    }

    [GlobalCleanup]
    public void Cleanup() => _generator.Dispose();

    [Benchmark(Baseline = true, Description = "InferenceSession.Run alone")]
    public int RunOnly()
    {
        foreach (var inputs in _inputs)
        {
            _encoder.RunOnly(inputs);
        }

        return _inputs.Length;
    }

    [Benchmark(Description = "whole pipeline")]
    public async Task<int> WholePipeline() => (await _generator.GenerateAsync(_texts)).Count;
}
