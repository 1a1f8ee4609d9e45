using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using LocalAI.Onnx;
using LocalAI.Rag;
using LocalAI.Testing.Models;
using Microsoft.Extensions.AI;

namespace LocalAI.Benchmarks.Rag.Retrieval;

/// <summary>
/// The retrieval benchmark over Debian's manual pages, through the public RAG API with the real all-MiniLM-L6-v2:
/// <c>dotnet run -c Release --project benchmarks/LocalAI.Benchmarks -- retrieval [--per-set 1000] [--max-chars 4000] [--man /usr/share/man/man1]</c>.
/// Two sets (pages outside the gcloud family; gcloud pages), each split in a fixed dev and test half by a hash of the
/// page name; recall@1, recall@10 and MRR@10 per search mode and hybrid fusion, the settings chosen on dev, reported on test.
/// </summary>
internal static class RetrievalBenchmark
{
    private static readonly (string Name, RagSearchMode Mode, HybridFusion Fusion, double Weight)[] Configurations =
    [
        ("vector", RagSearchMode.Vector, HybridFusion.ReciprocalRank, 1),
        ("BM25", RagSearchMode.Keyword, HybridFusion.ReciprocalRank, 0),
        ("hybrid RRF (before)", RagSearchMode.Hybrid, HybridFusion.ReciprocalRank, 0.5),
        ("hybrid RRF w=0.7", RagSearchMode.Hybrid, HybridFusion.ReciprocalRank, 0.7),
        ("hybrid RRF w=0.8", RagSearchMode.Hybrid, HybridFusion.ReciprocalRank, 0.8),
        ("hybrid RRF w=0.9", RagSearchMode.Hybrid, HybridFusion.ReciprocalRank, 0.9),
        ("hybrid score w=0.5", RagSearchMode.Hybrid, HybridFusion.NormalizedScore, 0.5),
        ("hybrid score w=0.6", RagSearchMode.Hybrid, HybridFusion.NormalizedScore, 0.6),
        ("hybrid score w=0.7", RagSearchMode.Hybrid, HybridFusion.NormalizedScore, 0.7),
        ("hybrid score w=0.8", RagSearchMode.Hybrid, HybridFusion.NormalizedScore, 0.8),
        ("hybrid score w=0.9", RagSearchMode.Hybrid, HybridFusion.NormalizedScore, 0.9),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var perSet = int.Parse(Option(args, "--per-set") ?? "1000", CultureInfo.InvariantCulture);
        var maxChars = int.Parse(Option(args, "--max-chars") ?? "4000", CultureInfo.InvariantCulture);
        var folder = Option(args, "--man") ?? "/usr/share/man/man1";
        var (programs, gcloud) = ManPageCorpus.Read(folder, perSet, maxChars);
        Console.WriteLine($"{programs.Count} program pages, {gcloud.Count} gcloud pages (each cut to {maxChars} characters), model {MiniLmModel.RequireFolder()}");

        var report = new StringBuilder();
        report.AppendLine("| set | half | search | recall@1 | recall@10 | MRR@10 |").AppendLine("| --- | --- | --- | ---: | ---: | ---: |");
        foreach (var (setName, pages) in new[] { ("programs", programs), ("gcloud", gcloud) })
        {
            await RunSetAsync(setName, pages, report).ConfigureAwait(false);
        }

        Console.WriteLine();
        Console.WriteLine(report);
        return 0;
    }

    private static async Task RunSetAsync(string setName, List<ManPage> pages, StringBuilder report)
    {
        using var onnx = new OnnxEmbeddingGenerator(new OnnxBackendOptions { ModelPath = MiniLmModel.RequireFolder(), ModelId = "all-MiniLM-L6-v2" });
        var timed = new TimedEmbeddingGenerator(onnx);
        var path = Path.Combine(Path.GetTempPath(), $"localai-retrieval-{setName}-{Environment.ProcessId}.ragstore");
        File.Delete(path);
        await using var store = new FileVectorStore(new FileVectorStoreOptions { Path = path, FlushToDisk = false });
        var counter = BertTokenCounter.FromVocabulary(Path.Combine(MiniLmModel.RequireFolder(), "vocab.txt"));
        var index = new RagIndex(timed, store, counter, new RagIndexOptions { Chunking = new ChunkingOptions { ChunkSize = 200, ChunkOverlap = 20 }, EmbeddingBatchSize = 32 });

        var started = Stopwatch.GetTimestamp();
        var result = await index.IndexDocumentsAsync(pages.Select(p => new RagDocument(p.Name, p.Text)).ToList()).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{setName}: indexed {result.Documents} pages, {result.Chunks} chunks in {elapsed.TotalSeconds:F1} s ({result.Chunks / elapsed.TotalSeconds:F1} chunks/s; {timed.Elapsed.TotalSeconds:F1} s inside the embedding generator, {(elapsed - timed.Elapsed).TotalSeconds:F1} s outside it)"));

        var queries = new CachingEmbeddingGenerator(onnx);
        var search = new RagIndex(queries, store, counter, new RagIndexOptions { Chunking = new ChunkingOptions { ChunkSize = 200, ChunkOverlap = 20 } });
        foreach (var half in new[] { "dev", "test" })
        {
            var cases = pages.Where(p => p.IsDev == (half == "dev")).ToList();
            foreach (var (name, mode, fusion, weight) in Configurations)
            {
                double hits1 = 0, hits10 = 0, mrr = 0;
                foreach (var page in cases)
                {
                    var hits = await search.SearchAsync(page.Query, new RagSearchOptions { Top = 40, Mode = mode, Fusion = fusion, VectorWeight = weight, HybridCandidateFactor = 2 }).ConfigureAwait(false);
                    var ranked = hits.Select(h => h.Record.DocumentId).Distinct(StringComparer.Ordinal).Take(10).ToList();
                    var rank = ranked.IndexOf(page.Name);
                    hits1 += rank == 0 ? 1 : 0;
                    hits10 += rank >= 0 ? 1 : 0;
                    mrr += rank >= 0 ? 1.0 / (rank + 1) : 0;
                }

                var n = Math.Max(1, cases.Count);
                var line = string.Create(CultureInfo.InvariantCulture, $"| {setName} ({cases.Count}) | {half} | {name} | {100 * hits1 / n:F1} % | {100 * hits10 / n:F1} % | {mrr / n:F3} |");
                Console.WriteLine(line);
                report.AppendLine(line);
            }
        }

        File.Delete(path);
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Measures the time spent inside the inner generator.</summary>
    private sealed class TimedEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner) : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        private long _ticks;

        public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

        public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                return await base.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Add(ref _ticks, Stopwatch.GetElapsedTime(started).Ticks);
            }
        }
    }

    /// <summary>Embeds each query once, whatever number of search configurations ask for it.</summary>
    private sealed class CachingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner) : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        private readonly ConcurrentDictionary<string, Embedding<float>> _cache = new(StringComparer.Ordinal);

        public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var texts = values.ToList();
            var missing = texts.Where(t => !_cache.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                var generated = await base.GenerateAsync(missing, options, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < missing.Count; i++)
                {
                    _cache[missing[i]] = generated[i];
                }
            }

            return new GeneratedEmbeddings<Embedding<float>>(texts.Select(t => _cache[t]));
        }
    }
}
