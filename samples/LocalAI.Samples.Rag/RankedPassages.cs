using System.Globalization;
using System.Text;
using LocalAI.Rag;

namespace LocalAI.Samples.Rag;

/// <summary>Prints the passages hybrid search ranks for a question, with their fused score and where vector search and BM25 each ranked them.</summary>
internal static class RankedPassages
{
    /// <summary>The width every printed line fits in.</summary>
    public const int Width = 120;

    /// <summary>Cuts a line to a width, marking the cut.</summary>
    public static string Cut(string line, int width) => line.Length <= width ? line : line[..(width - 3)] + "...";

    public static async Task PrintAsync(RagIndex index, string question, RagSearchOptions search)
    {
        var hybrid = await index.SearchAsync(question, search);
        var candidates = search.Top * search.HybridCandidateFactor;
        var vector = await index.SearchAsync(question, new RagSearchOptions { Mode = RagSearchMode.Vector, Top = candidates, Filter = search.Filter });
        var keyword = await index.SearchAsync(question, new RagSearchOptions { Mode = RagSearchMode.Keyword, Top = candidates, Filter = search.Filter });
        if (hybrid.Count == 0)
        {
            Console.WriteLine("(nothing found; index a folder first)");
            return;
        }

        for (var i = 0; i < hybrid.Count; i++)
        {
            var record = hybrid[i].Record;
            var v = Rank(vector, record.Id);
            var k = Rank(keyword, record.Id);
            var found = (v > 0, k > 0) switch
            {
                (true, true) => $"both: vector #{v} ({vector[v - 1].Score:F3}), BM25 #{k} ({keyword[k - 1].Score:F2})",
                (true, false) => $"vector only: #{v} ({vector[v - 1].Score:F3}); no word overlap BM25 ranks",
                (false, true) => $"BM25 only: #{k} ({keyword[k - 1].Score:F2})",
                _ => "fused",
            };
            Console.WriteLine(Cut(string.Create(CultureInfo.InvariantCulture, $"[{i + 1}] score {hybrid[i].Score:F3}, {found}"), Width));
            Console.WriteLine(Cut($"    {record.DocumentId}{(record.Context is null ? string.Empty : " > " + record.Context)}", Width));
            var excerpt = Excerpt(record.Text, 2 * (Width - 4));
            Console.WriteLine("    " + excerpt[..Math.Min(excerpt.Length, Width - 4)]);
            if (excerpt.Length > Width - 4)
            {
                Console.WriteLine("    " + excerpt[(Width - 4)..]);
            }
        }
    }

    private static int Rank(IReadOnlyList<VectorSearchHit> hits, string id)
    {
        for (var i = 0; i < hits.Count; i++)
        {
            if (hits[i].Record.Id == id)
            {
                return i + 1;
            }
        }

        return 0;
    }

    private static string Excerpt(string text, int length)
    {
        var flat = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            flat.Append(char.IsWhiteSpace(c) ? ' ' : c);
        }

        var s = string.Join(' ', flat.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return s.Length <= length ? s : s[..(length - 4)] + " ...";
    }
}
