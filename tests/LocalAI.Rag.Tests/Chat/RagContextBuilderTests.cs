namespace LocalAI.Rag.Tests;

public sealed class RagContextBuilderTests
{
    private static VectorSearchHit Hit(string id, string text, double score, string? context = null) =>
        new(new VectorRecord(id, id.Split(':')[0], 0, text, id, ReadOnlyMemory<float>.Empty)
        {
            Context = context,
            Metadata = new Dictionary<string, string> { ["source"] = id.Split(':')[0] + ".md" },
        }, score);

    [Fact]
    public void Passages_are_numbered_deduplicated_and_kept_within_the_budget()
    {
        var counter = new WordTokenCounter();
        var builder = new RagContextBuilder(counter, new RagContextOptions { MaxTokens = 40 });
        var hits = new[]
        {
            Hit("a:0", "Alpha passage with five words.", 0.9, "Guide > Alpha"),
            Hit("b:0", "alpha   PASSAGE with five words.", 0.8), // same text, other spacing and case
            Hit("c:0", string.Join(' ', Enumerable.Repeat("long", 40)), 0.7), // over the budget: left out
            Hit("d:0", "Delta passage.", 0.6),
        };

        var context = builder.Build(hits);

        Assert.Equal([1, 2], context.Citations.Select(c => c.Number));
        Assert.Equal(["a", "d"], context.Citations.Select(c => c.DocumentId));
        Assert.StartsWith("[1] (source: a.md; section: Guide > Alpha)\nAlpha passage", context.Text, StringComparison.Ordinal);
        Assert.Contains("[2] (source: d.md)\nDelta passage.", context.Text, StringComparison.Ordinal);
        Assert.Equal(counter.CountTokens(context.Text), context.Tokens);
        Assert.InRange(context.Tokens, 1, 40);
    }
}
