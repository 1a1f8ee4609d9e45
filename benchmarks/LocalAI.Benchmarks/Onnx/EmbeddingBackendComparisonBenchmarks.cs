using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using LocalAI.Benchmarks.Mlx;
using LocalAI.Benchmarks.Ollama;
using LocalAI.Gguf;
using LocalAI.Mlx;
using LocalAI.Ollama;
using LocalAI.Onnx;
using LocalAI.Testing.Gguf;
using Microsoft.Extensions.AI;

namespace LocalAI.Benchmarks.Onnx;

/// <summary>
/// The original design's comparison: time to embed 1 chunk and 10 chunks, one method per embedding backend, side by side
/// in one run, ONNX as the baseline. Every backend embeds the same <see cref="_chunks"/> through its
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, created in that method's global setup.
/// </summary>
/// <remarks>
/// The backends run different stand-in models with different dimensions, so the figures compare call paths, not
/// model quality or real inference cost:
/// <list type="bullet">
/// <item><c>onnx</c>: the tiny random-weight BERT fixture (32 dimensions) in-process through ONNX Runtime; each
/// chunk is truncated to the model's 128 tokens.</item>
/// <item><c>router (onnx)</c>: the same ONNX backend behind <see cref="FallbackEmbeddingGenerator"/> and a <see cref="BackendManager"/>: the router's cost.</item>
/// <item><c>gguf</c>: the tiny random-weight BERT GGUF fixture (32 dimensions) in-process through llama.cpp; its
/// 512-token context takes each whole chunk (about 200 tokens), so it does more work per chunk than <c>onnx</c>.</item>
/// <item><c>ollama (protocol test server)</c>: the Ollama backend against the Ollama-speaking test server process
/// (384 dimensions, vectors hashed from the text): our client and loopback HTTP, no model.</item>
/// <item><c>mlx (sidecar, test engine)</c>: the MLX backend through the real Python sidecar with the deterministic test
/// engine (384 dimensions, cached vectors): our client, the sidecar protocol and Python, no model.</item>
/// </list>
/// A backend whose prerequisites are missing on this machine is left out of the run with a printed reason.
/// <code>dotnet run -c Release --project benchmarks/LocalAI.Benchmarks -- --filter '*EmbeddingBackendComparison*' --job short --inProcess</code>
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(AvailableBackendsConfig))]
public class EmbeddingBackendComparisonBenchmarks
{
    private const int RemoteDimensions = 384;

    private OnnxEmbeddingGenerator _onnx = null!;
    private OnnxBackend _routedOnnx = null!;
    private FallbackEmbeddingGenerator _router = null!;
    private GgufBackend _gguf = null!;
    private IEmbeddingGenerator<string, Embedding<float>> _ggufGenerator = null!;
    private OllamaServerProcess _ollamaServer = null!;
    private OllamaBackend _ollama = null!;
    private IEmbeddingGenerator<string, Embedding<float>> _ollamaGenerator = null!;
    private MlxBackend _mlx = null!;
    private IEmbeddingGenerator<string, Embedding<float>> _mlxGenerator = null!;
    private string[] _chunks = [];

    [Params(1, 10)]
    public int Chunks { get; set; }

    [GlobalSetup(Target = nameof(Onnx))]
    public async Task SetupOnnxAsync()
    {
        _onnx = OnnxBenchmarkModel.CreateGenerator();
        await _onnx.LoadAsync();
        await WarmAsync(_onnx);
    }

    [GlobalCleanup(Target = nameof(Onnx))]
    public void CleanupOnnx() => _onnx.Dispose();

    [GlobalSetup(Target = nameof(Router))]
    public async Task SetupRouterAsync()
    {
        _routedOnnx = new OnnxBackend(OnnxBackend.DefaultId, new OnnxBackendOptions { ModelPath = OnnxBenchmarkModel.ModelPath, MaxBatchSize = 32, IntraOpNumThreads = 1 });
        var manager = new BackendManager([_routedOnnx], new LocalAIOptions { StatusCacheTtl = TimeSpan.FromDays(1) });
        await manager.InitializeAsync();
        _router = new FallbackEmbeddingGenerator(manager);
        await WarmAsync(_router);
    }

    [GlobalCleanup(Target = nameof(Router))]
    public async Task CleanupRouterAsync()
    {
        _router.Dispose();
        await _routedOnnx.DisposeAsync();
    }

    [GlobalSetup(Target = nameof(Gguf))]
    public async Task SetupGgufAsync()
    {
        _gguf = new GgufBackend(GgufBackend.DefaultId, new GgufBackendOptions { EmbeddingModelPath = TinyModels.Embedding(), Threads = 1, MaxParallelRequests = 1 });
        _ggufGenerator = _gguf.GetEmbeddingGenerator();
        await WarmAsync(_ggufGenerator);
    }

    [GlobalCleanup(Target = nameof(Gguf))]
    public async Task CleanupGgufAsync() => await _gguf.DisposeAsync();

    [GlobalSetup(Target = nameof(Ollama))]
    public async Task SetupOllamaAsync()
    {
        _ollamaServer = await BenchmarkServer.StartAsync();
        _ollama = new OllamaBackend(OllamaBackend.DefaultId, new OllamaBackendOptions { Endpoint = _ollamaServer.Endpoint, EmbeddingModel = "embed-384", EmbeddingDimensions = RemoteDimensions });
        _ollamaGenerator = _ollama.GetEmbeddingGenerator();
        await WarmAsync(_ollamaGenerator);
    }

    [GlobalCleanup(Target = nameof(Ollama))]
    public async Task CleanupOllamaAsync()
    {
        await _ollama.DisposeAsync();
        await _ollamaServer.DisposeAsync();
    }

    [GlobalSetup(Target = nameof(Mlx))]
    public async Task SetupMlxAsync()
    {
        _mlx = new MlxBackend(MlxBackend.DefaultId, MlxBenchmarkSidecar.Options(MlxEmbeddingEncoding.Base64, RemoteDimensions));
        _mlxGenerator = _mlx.GetEmbeddingGenerator();
        await WarmAsync(_mlxGenerator);
    }

    [GlobalCleanup(Target = nameof(Mlx))]
    public async Task CleanupMlxAsync() => await _mlx.DisposeAsync();

    [Benchmark(Baseline = true, Description = "onnx")]
    public async Task<int> Onnx() => (await _onnx.GenerateAsync(_chunks)).Count;

    [Benchmark(Description = "router (onnx)")]
    public async Task<int> Router() => (await _router.GenerateAsync(_chunks)).Count;

    [Benchmark(Description = "gguf")]
    public async Task<int> Gguf() => (await _ggufGenerator.GenerateAsync(_chunks)).Count;

    [Benchmark(Description = "ollama (protocol test server)")]
    public async Task<int> Ollama() => (await _ollamaGenerator.GenerateAsync(_chunks)).Count;

    [Benchmark(Description = "mlx (sidecar, test engine)")]
    public async Task<int> Mlx() => (await _mlxGenerator.GenerateAsync(_chunks)).Count;

    /// <summary>Why a backend's benchmark cannot run on this machine, or <see langword="null"/> when it can.</summary>
    internal static string? Unavailable(string method) => method switch
    {
        nameof(Gguf) when !Directory.Exists(TinyModels.VocabFolder) =>
            "the llama.cpp vocabulary files are missing from the build output; run scripts/setup.d/20-llama-native.sh and rebuild",
        nameof(Ollama) when !File.Exists(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "LocalAI.Ollama.TestServer.exe" : "LocalAI.Ollama.TestServer")) =>
            "the Ollama test server binary is missing from the build output",
        nameof(Mlx) when !File.Exists(MlxBenchmarkSidecar.ScriptPath) =>
            "the MLX sidecar script is missing from the build output",
        _ => null,
    };

    /// <summary>Embeds the run's chunks once, so the first measured call does not pay for loading or connecting.</summary>
    private async Task WarmAsync(IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        _chunks = OnnxBenchmarkModel.Chunks(Chunks);
        var embeddings = await generator.GenerateAsync(_chunks);
        if (embeddings.Count != Chunks)
        {
            throw new InvalidOperationException($"Expected {Chunks} embeddings, got {embeddings.Count}.");
        }

        Console.WriteLine($"// {generator.GetType().Name}: {embeddings[0].Vector.Length} dimensions");
    }

    /// <summary>Leaves out, with a printed reason, the benchmarks of backends that cannot run on this machine.</summary>
    private sealed class AvailableBackendsConfig : ManualConfig
    {
        public AvailableBackendsConfig() => AddFilter(new SimpleFilter(benchmark =>
        {
            var reason = Unavailable(benchmark.Descriptor.WorkloadMethod.Name);
            if (reason is not null)
            {
                Console.WriteLine($"// Skipping {benchmark.Descriptor.WorkloadMethodDisplayInfo}: {reason}.");
            }

            return reason is null;
        }));
    }
}
