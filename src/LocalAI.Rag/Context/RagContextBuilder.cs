using System.Globalization;
using System.Text;

namespace LocalAI.Rag;

/// <summary>Turns search hits into numbered passages within a token budget, without duplicates.</summary>
public sealed class RagContextBuilder
{
    private readonly ITokenCounter _counter;
    private readonly RagContextOptions _options;

    /// <summary>Initializes a new instance of the <see cref="RagContextBuilder"/> class.</summary>
    /// <param name="counter">Counts tokens for the budget.</param>
    /// <param name="options">The budget and duplicate handling.</param>
    public RagContextBuilder(ITokenCounter counter, RagContextOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(counter);
        _counter = counter;
        _options = options ?? new RagContextOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxTokens, 1);
    }

    /// <summary>Builds the context from hits in rank order; a passage that does not fit the remaining budget is left out.</summary>
    /// <param name="hits">The search hits, best first.</param>
    /// <returns>The numbered passages and their citations.</returns>
    public RagContext Build(IReadOnlyList<VectorSearchHit> hits)
    {
        ArgumentNullException.ThrowIfNull(hits);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var citations = new List<RagCitation>();
        var text = new StringBuilder();
        var tokens = 0;
        foreach (var hit in hits)
        {
            var record = hit.Record;
            if (_options.RemoveDuplicates && !seen.Add(Normalize(record.Text)))
            {
                continue;
            }

            var number = citations.Count + 1;
            var passage = Format(number, record);
            var passageTokens = _counter.CountTokens(passage);
            if (tokens + passageTokens > _options.MaxTokens)
            {
                continue;
            }

            tokens += passageTokens;
            text.Append(passage);
            citations.Add(new RagCitation(number, record.DocumentId, record.Id, hit.Score, record.Text)
            {
                Context = record.Context,
                Metadata = record.Metadata,
            });
        }

        return new RagContext(text.ToString().TrimEnd(), citations, tokens);
    }

    private static string Format(int number, VectorRecord record)
    {
        var source = record.Metadata.TryGetValue("source", out var s) ? s : record.DocumentId;
        var header = record.Context is null
            ? string.Create(CultureInfo.InvariantCulture, $"[{number}] (source: {source})")
            : string.Create(CultureInfo.InvariantCulture, $"[{number}] (source: {source}; section: {record.Context})");
        return header + "\n" + record.Text.Trim() + "\n\n";
    }

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
}
