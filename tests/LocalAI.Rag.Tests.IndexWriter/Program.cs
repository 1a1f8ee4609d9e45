using System.Globalization;
using LocalAI.Rag;
using LocalAI.Testing.Rag;

// Usage: IndexWriter <store path> <documents> <paragraphs per document>
// Indexes generation 1, 2, 3 ... of every document (each generation changes every chunk) and prints
// "committed <generation>" after each complete generation, until it is killed.
var path = args[0];
var documents = int.Parse(args[1], CultureInfo.InvariantCulture);
var paragraphs = int.Parse(args[2], CultureInfo.InvariantCulture);

var store = new FileVectorStore(new FileVectorStoreOptions { Path = path, CompactionMinimumBytes = 256 * 1024 });
var index = new RagIndex(
    new HashingEmbeddingGenerator("hashing-test", 64),
    store,
    new WordTokenCounter(),
    new RagIndexOptions { Chunking = new ChunkingOptions { ChunkSize = 40, ChunkOverlap = 0 }, EmbeddingBatchSize = 8, WriteBatchSize = 1 });

for (var generation = 1; ; generation++)
{
    var batch = Enumerable.Range(0, documents).Select(d => new RagDocument(
        $"doc-{d}",
        string.Join("\n\n", Enumerable.Range(0, paragraphs).Select(p => $"Generation {generation} document {d} paragraph {p}: " + string.Join(' ', Enumerable.Repeat($"word{generation}x{p}", 25)))))
    {
        Metadata = new Dictionary<string, string> { ["generation"] = generation.ToString(CultureInfo.InvariantCulture) },
    });
    await index.IndexDocumentsAsync(batch.ToList());
    Console.WriteLine($"committed {generation}");
}
