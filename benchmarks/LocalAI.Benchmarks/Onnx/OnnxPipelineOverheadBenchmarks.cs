using BenchmarkDotNet.Attributes;
using LocalAI.Onnx;

namespace LocalAI.Benchmarks.Onnx;

/// <summary>
/// What share of the time is spent outside <c>InferenceSession.Run</c> (tokenizing, padding, pooling, normalising)?
/// The baseline runs the model alone on inputs built beforehand, for the same sub-batches as the full pipeline; the
/// share outside is <c>1 - 1 / ratio</c>. The whole-pipeline method also measures the share directly, from the time
/// the encoder spends inside <c>Run</c> during its own calls, and prints it at the end (robust to a busy machine,
/// since both times come from the same calls).
/// </summary>
[MemoryDiagnoser]
public class OnnxPipelineOverheadBenchmarks
{
    private OnnxEmbeddingGenerator _generator = null!;
    private SentenceEncoder _encoder = null!;
    private string[] _texts = [];
    private SubBatchInputs[] _inputs = [];
    private long _pipelineTicks;
    private long _runTicksAtStart;

    [Params(10, 64)]
    public int Texts { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _generator = OnnxBenchmarkModel.CreateGenerator();
        await _generator.LoadAsync();
        _encoder = _generator.Encoder!;
        _texts = OnnxBenchmarkModel.MixedLengthTexts(Texts);
        var batch = _encoder.Tokenize(_texts);
        _runTicksAtStart = _encoder.RunTicks;
        _inputs = [.. _encoder.PlanSubBatches(batch, sortByLength: true).Select(rows => _encoder.BuildInputs(batch.Ids, rows))];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // Every call of the whole pipeline in this process (pilot, warm-up and measured), against the time its own
        // Run calls took.
        var inside = _encoder.RunTicks - _runTicksAtStart;
        if (_pipelineTicks > 0)
        {
            Console.WriteLine($"// share of whole-pipeline time outside InferenceSession.Run, {Texts} texts: {100.0 * (_pipelineTicks - inside) / _pipelineTicks:F1} %");
        }

        _generator.Dispose();
    }

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
    public async Task<int> WholePipeline()
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var count = (await _generator.GenerateAsync(_texts)).Count;
        _pipelineTicks += System.Diagnostics.Stopwatch.GetTimestamp() - started;
        return count;
    }
}
