using System.Globalization;

namespace LocalAI.Rag;

/// <summary>An in-memory BM25 (Okapi, k1 = 1.2, b = 0.75) index over chunk texts.</summary>
internal sealed class Bm25Index
{
    private const double K1 = 1.2;
    private const double B = 0.75;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "how", "i", "in", "is", "it", "of", "on", "or",
        "that", "the", "this", "to", "was", "what", "when", "where", "which", "who", "why", "with", "do", "does", "can",
    };

    private readonly Dictionary<string, List<(int Row, int Frequency)>> _postings = new(StringComparer.Ordinal);
    private readonly int[] _lengths;
    private readonly double _averageLength;

    public Bm25Index(IReadOnlyList<string> texts)
    {
        _lengths = new int[texts.Count];
        long total = 0;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var row = 0; row < texts.Count; row++)
        {
            counts.Clear();
            var length = 0;
            foreach (var term in Tokenize(texts[row]))
            {
                counts[term] = counts.TryGetValue(term, out var c) ? c + 1 : 1;
                length++;
            }

            foreach (var (term, frequency) in counts)
            {
                if (!_postings.TryGetValue(term, out var list))
                {
                    _postings[term] = list = [];
                }

                list.Add((row, frequency));
            }

            _lengths[row] = length;
            total += length;
        }

        _averageLength = texts.Count == 0 ? 1 : Math.Max(1.0, (double)total / texts.Count);
    }

    public int Count => _lengths.Length;

    public List<(int Row, double Score)> Search(string query, Func<int, bool>? include, int top)
    {
        var scores = new Dictionary<int, double>();
        foreach (var term in Tokenize(query).Distinct(StringComparer.Ordinal))
        {
            if (!_postings.TryGetValue(term, out var postings))
            {
                continue;
            }

            var idf = Math.Log(1 + ((_lengths.Length - postings.Count + 0.5) / (postings.Count + 0.5)));
            foreach (var (row, frequency) in postings)
            {
                if (include is not null && !include(row))
                {
                    continue;
                }

                var norm = frequency + (K1 * (1 - B + (B * _lengths[row] / _averageLength)));
                var score = idf * frequency * (K1 + 1) / norm;
                scores[row] = scores.TryGetValue(row, out var s) ? s + score : score;
            }
        }

        return scores
            .OrderByDescending(kv => kv.Value)
            .ThenBy(kv => kv.Key)
            .Take(top)
            .Select(kv => (kv.Key, kv.Value))
            .ToList();
    }

    internal static IEnumerable<string> Tokenize(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (isWord && start < 0)
            {
                start = i;
            }
            else if (!isWord && start >= 0)
            {
                var term = text[start..i].ToLower(CultureInfo.InvariantCulture);
                start = -1;
                if (!StopWords.Contains(term))
                {
                    yield return Stem(term);
                }
            }
        }
    }

    // A light plural stemmer, enough to match "vectors" with "vector" without a language library.
    private static string Stem(string term) =>
        term.Length > 4 && term.EndsWith("ies", StringComparison.Ordinal) ? term[..^3] + "y"
        : term.Length > 3 && term.EndsWith('s') && !term.EndsWith("ss", StringComparison.Ordinal) && !term.EndsWith("us", StringComparison.Ordinal) ? term[..^1]
        : term;
}
