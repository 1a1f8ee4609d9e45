using BenchmarkDotNet.Attributes;
using LocalAI.Rag;
using LocalAI.Testing.Models;
using Microsoft.Extensions.AI;

namespace LocalAI.Benchmarks.Rag;

/// <summary>What does the indexing pipeline cost on its own? A zero-cost embedder, 2,000 documents, about 20,000 chunks of 64 BERT tokens, into the embedded store.</summary>
/// <remarks>
/// Chunks per second = chunks (printed in the setup output) divided by the mean time. Each method runs with the default
/// counter (<see cref="BertTokenCounter"/>, allocation-free) and with Microsoft.ML.Tokenizers' <c>BertTokenizer</c>
/// (<see cref="TokenizerTokenCounter"/>), the counter used before, side by side in one run.
/// </remarks>
[MemoryDiagnoser]
public class IndexingPipelineBenchmarks
{
    private ITokenCounter _counter = null!;
    private readonly ChunkingOptions _chunking = new() { ChunkSize = 64, ChunkOverlap = 8 };
    private List<RagDocument> _documents = null!;
    private string _dir = null!;
    private int _round;

    /// <summary>Gets or sets the token counter: <c>bert</c> (the default) or <c>microsoft</c>.</summary>
    [Params("bert", "microsoft")]
    public string Counter { get; set; } = "bert";

    [GlobalSetup]
    public void Setup()
    {
        _counter = Counter == "bert"
            ? BertTokenCounter.FromVocabulary(TinyBertModel.VocabularyPath)
            : TokenizerTokenCounter.FromBertVocabulary(TinyBertModel.VocabularyPath);
        var random = new Random(3);
        string[] words = ["vector", "search", "embedding", "index", "chunk", "token", "model", "store", "query", "answer", "retrieval", "context", "document", "similarity", "cosine", "postgres", "pipeline", "batch"];
        _documents = [.. Enumerable.Range(0, 2_000).Select(d => new RagDocument($"doc-{d}", string.Join("\n\n", Enumerable.Range(0, 10).Select(p =>
            string.Join(' ', Enumerable.Range(0, 45).Select(_ => words[random.Next(words.Length)])) + ".")))
        {
            Metadata = new Dictionary<string, string> { ["source"] = $"doc-{d}.txt" },
        })];
        _dir = Path.Combine(Path.GetTempPath(), "localai-rag-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(_dir);
        var chunker = new RecursiveTextChunker(_counter, _chunking);
        Console.WriteLine($"// chunks per run: {_documents.Sum(d => chunker.Chunk(d.Id, d.Text).Count)}");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark(Description = "chunking only")]
    public int ChunkOnly()
    {
        var chunker = new RecursiveTextChunker(_counter, _chunking);
        var count = 0;
        foreach (var document in _documents)
        {
            count += chunker.Chunk(document.Id, document.Text).Count;
        }

        return count;
    }

    [Benchmark(Description = "pipeline: chunk + zero-cost embed + store (fsync per group)")]
    public async Task<long> Pipeline()
    {
        var path = Path.Combine(_dir, $"run-{_round++}.ragstore");
        var store = new FileVectorStore(new FileVectorStoreOptions { Path = path });
        await using (store)
        {
            var index = new RagIndex(new ZeroCostEmbeddingGenerator(), store, _counter, new RagIndexOptions { Chunking = _chunking, EmbeddingBatchSize = 64 });
            var result = await index.IndexDocumentsAsync(_documents);
            return result.Chunks;
        }
    }

    /// <summary>Returns one shared 384-dimension vector for every input: the embedder costs nothing, so the pipeline's own overhead is measured.</summary>
    private sealed class ZeroCostEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        private static readonly float[] Vector = BenchmarkData.RandomUnitVectors(1, 384, 4)[0];
        private static readonly EmbeddingGeneratorMetadata Metadata = new("zero", null, "zero-cost", 384);

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var result = new GeneratedEmbeddings<Embedding<float>>();
            foreach (var _ in values)
            {
                result.Add(new Embedding<float>(Vector) { ModelId = "zero-cost" });
            }

            return Task.FromResult(result);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata : null;

        public void Dispose()
        {
        }
    }
}
