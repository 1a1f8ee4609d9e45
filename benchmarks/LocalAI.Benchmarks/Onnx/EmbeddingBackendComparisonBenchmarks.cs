using BenchmarkDotNet.Attributes;
using LocalAI.Onnx;
using Microsoft.Extensions.AI;

namespace LocalAI.Benchmarks.Onnx;

/// <summary>
/// The original design's comparison: time to embed 1 chunk and 10 chunks, one method per embedding backend, side by side
/// in one run. ONNX is the baseline; every other embedding backend that can run on the benchmark machine (GGUF through
/// llama.cpp, the Ollama test server, the MLX sidecar) adds a method here that embeds the same <see cref="_chunks"/>
/// through its <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, created in <see cref="Setup"/>.
/// </summary>
[MemoryDiagnoser]
public class EmbeddingBackendComparisonBenchmarks
{
    private OnnxEmbeddingGenerator _onnx = null!;
    private string[] _chunks = [];

    [Params(1, 10)]
    public int Chunks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _onnx = OnnxBenchmarkModel.CreateGenerator();
        _onnx.LoadAsync().GetAwaiter().GetResult();
        _chunks = OnnxBenchmarkModel.Chunks(Chunks);

        // Other backends: create their generators here, skipping (with a printed reason) those that cannot run.
    }

    [GlobalCleanup]
    public void Cleanup() => _onnx.Dispose();

    [Benchmark(Baseline = true, Description = "onnx")]
    public async Task<int> Onnx() => (await _onnx.GenerateAsync(_chunks)).Count;

    // [Benchmark(Description = "gguf")]          public async Task<int> Gguf() => ...
    // [Benchmark(Description = "ollama (test)")] public async Task<int> Ollama() => ...
    // [Benchmark(Description = "mlx sidecar")]   public async Task<int> Mlx() => ...
}
