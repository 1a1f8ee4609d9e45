using System.Text;
using System.Text.RegularExpressions;

namespace LocalAI.Rag;

/// <summary>Splits text by paragraphs, then lines, sentences, words and (last resort) characters until every piece fits, then packs pieces into chunks of at most <see cref="ChunkingOptions.ChunkSize"/> tokens that repeat up to <see cref="ChunkingOptions.ChunkOverlap"/> tokens of the previous chunk.</summary>
public sealed partial class RecursiveTextChunker : IChunker
{
    private readonly ITokenCounter _counter;
    private readonly ChunkingOptions _options;

    /// <summary>Initializes a new instance of the <see cref="RecursiveTextChunker"/> class.</summary>
    /// <param name="counter">Counts tokens the way the embedding model does.</param>
    /// <param name="options">Chunk size and overlap.</param>
    /// <exception cref="ArgumentOutOfRangeException">The size or overlap is out of range.</exception>
    public RecursiveTextChunker(ITokenCounter counter, ChunkingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(counter);
        _counter = counter;
        _options = options ?? new ChunkingOptions();
        _options.Validate();
    }

    /// <inheritdoc/>
    public IReadOnlyList<TextChunk> Chunk(string documentId, string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        ArgumentNullException.ThrowIfNull(text);
        var chunks = new List<TextChunk>();
        AppendChunks(chunks, documentId, text, context: null);
        return chunks;
    }

    internal void AppendChunks(List<TextChunk> chunks, string documentId, string text, string? context)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        var budget = _options.ChunkSize;
        if (!string.IsNullOrEmpty(context))
        {
            budget -= _counter.CountTokens(TextChunk.ComposeEmbeddingText(context, "x")) - _counter.CountTokens("x");
            if (budget < _options.ChunkSize / 2)
            {
                // A very deep heading path would eat the chunk: keep only its last part.
                var last = context[(context.LastIndexOf(" > ", StringComparison.Ordinal) + 1)..].Trim(' ', '>');
                context = last.Length > 80 ? last[..80] : last;
                budget = _options.ChunkSize - (_counter.CountTokens(TextChunk.ComposeEmbeddingText(context, "x")) - _counter.CountTokens("x"));
            }
        }

        var pieces = new List<Piece>();
        Split(text, 0, budget, pieces);
        Pack(pieces, budget, chunks, documentId, context);
    }

    private void Split(string text, int level, int budget, List<Piece> output)
    {
        // Every whitespace-separated word is at least one token: a text with more words than the budget
        // is split without paying for a tokenizer pass over all of it.
        if (level >= Separators.Length || CountWords(text, budget) <= budget)
        {
            var tokens = _counter.CountTokens(text);
            if (tokens <= budget)
            {
                output.Add(new Piece(text, tokens));
                return;
            }
        }

        if (level >= Separators.Length)
        {
            SplitCharacters(text, budget, output);
            return;
        }

        var parts = Separators[level].Split(text);
        if (parts.Length == 1)
        {
            Split(text, level + 1, budget, output);
            return;
        }

        foreach (var part in parts)
        {
            if (part.Length > 0)
            {
                Split(part, level + 1, budget, output);
            }
        }
    }

    private void SplitCharacters(string text, int budget, List<Piece> output)
    {
        var start = 0;
        while (start < text.Length)
        {
            // Largest prefix that fits, by binary search on its length.
            int lo = 1, hi = text.Length - start;
            while (lo < hi)
            {
                var mid = (lo + hi + 1) / 2;
                if (_counter.CountTokens(text.Substring(start, mid)) <= budget)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            if (lo < text.Length - start && char.IsHighSurrogate(text[start + lo - 1]) && lo > 1)
            {
                lo--;
            }

            var piece = text.Substring(start, lo);
            output.Add(new Piece(piece, _counter.CountTokens(piece)));
            start += lo;
        }
    }

    private void Pack(List<Piece> pieces, int budget, List<TextChunk> chunks, string documentId, string? context)
    {
        var overlap = _options.ChunkOverlap;
        var current = new List<Piece>();
        var currentTokens = 0;
        var i = 0;
        while (i < pieces.Count)
        {
            var piece = pieces[i];
            if (current.Count > 0 && currentTokens + piece.Tokens > budget)
            {
                if (Emit(current, chunks, documentId, context, out var carried))
                {
                    // Overlap: keep the trailing pieces of the emitted chunk that fit in the overlap.
                    var kept = new List<Piece>();
                    var keptTokens = 0;
                    for (var j = current.Count - 1; j >= 0 && keptTokens + current[j].Tokens <= overlap; j--)
                    {
                        kept.Insert(0, current[j]);
                        keptTokens += current[j].Tokens;
                    }

                    while (kept.Count > 0 && keptTokens + piece.Tokens > budget)
                    {
                        keptTokens -= kept[0].Tokens;
                        kept.RemoveAt(0);
                    }

                    current = kept;
                    currentTokens = keptTokens;
                }
                else
                {
                    // The exact count of the joined text ran over: the carried pieces start the next chunk.
                    current = carried;
                    currentTokens = carried.Sum(p => p.Tokens);
                }

                continue;
            }

            current.Add(piece);
            currentTokens += piece.Tokens;
            i++;
        }

        while (current.Count > 0)
        {
            if (Emit(current, chunks, documentId, context, out var carried))
            {
                break;
            }

            current = carried;
        }
    }

    /// <summary>Emits the pieces as one chunk when their exact token count fits; otherwise moves trailing pieces out until it does.</summary>
    private bool Emit(List<Piece> current, List<TextChunk> chunks, string documentId, string? context, out List<Piece> carried)
    {
        carried = [];
        var emitted = new List<Piece>(current);
        while (true)
        {
            var text = Join(emitted).Trim();
            if (text.Length == 0)
            {
                return carried.Count == 0;
            }

            var embeddingText = TextChunk.ComposeEmbeddingText(context, text);
            var tokens = _counter.CountTokens(embeddingText);
            if (tokens <= _options.ChunkSize || emitted.Count == 1)
            {
                var index = chunks.Count;
                var hash = ChunkIds.Hash(embeddingText);
                chunks.Add(new TextChunk(ChunkIds.Create(documentId, index, hash), documentId, index, text, context, hash, tokens));
                if (carried.Count == 0)
                {
                    return true;
                }

                current.Clear();
                current.AddRange(emitted);
                return false;
            }

            carried.Insert(0, emitted[^1]);
            emitted.RemoveAt(emitted.Count - 1);
        }
    }

    /// <summary>Counts whitespace-separated words, stopping once past <paramref name="limit"/>.</summary>
    private static int CountWords(string text, int limit)
    {
        var words = 0;
        var inWord = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                inWord = false;
            }
            else if (!inWord)
            {
                inWord = true;
                if (++words > limit)
                {
                    break;
                }
            }
        }

        return words;
    }

    private static string Join(List<Piece> pieces)
    {
        var builder = new StringBuilder();
        foreach (var piece in pieces)
        {
            builder.Append(piece.Text);
        }

        return builder.ToString();
    }

    // Each separator splits after the whitespace, so the pieces concatenate back to the text.
    private static readonly Regex[] Separators = [Paragraphs(), Lines(), Sentences(), Words()];

    [GeneratedRegex(@"(?<=\n[ \t]*\n\s*)(?=\S)")]
    private static partial Regex Paragraphs();

    [GeneratedRegex(@"(?<=\n\s*)(?=\S)")]
    private static partial Regex Lines();

    [GeneratedRegex(@"(?<=[.!?;:][""')\]]?\s+)(?=\S)")]
    private static partial Regex Sentences();

    [GeneratedRegex(@"(?<=\s)(?=\S)")]
    private static partial Regex Words();

    private readonly record struct Piece(string Text, int Tokens);
}
