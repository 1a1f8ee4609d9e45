using System.Buffers;
using System.Text;

namespace LocalAI.Text;

/// <summary>
/// Counts the tokens a BERT-family WordPiece tokenizer gives a text, exactly as Hugging Face's tokenizer does (special
/// tokens matched verbatim, the basic tokenizer of <see cref="BertPreTokenizer"/>, then greedy longest-match word pieces),
/// without building the tokens: after a thread's first call it allocates nothing. Thread-safe.
/// </summary>
/// <remarks>
/// The count excludes the classification and separator tokens an encoder adds around a text. Chunkers call this for
/// every piece they measure, which is why it avoids the per-call strings and lists a general tokenizer builds.
/// </remarks>
public sealed class WordPieceTokenCounter
{
    [ThreadStatic]
    private static Scratch? _scratch;

    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _wordStarts;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _continuations;
    private readonly int _longestWordStart;
    private readonly int _longestContinuation;
    private readonly string[] _specialTokens;
    private readonly SearchValues<char> _specialTokenStarts;
    private readonly BertPreTokenizer _preTokenizer;
    private readonly int _maxInputCharsPerWord;

    /// <summary>Initializes a new instance of the <see cref="WordPieceTokenCounter"/> class.</summary>
    /// <param name="tokensInIdOrder">Every token of the vocabulary (the lines of <c>vocab.txt</c>).</param>
    /// <param name="settings">The normalizer, the sub-word prefix, the word length limit and the special tokens.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The vocabulary is empty.</exception>
    public WordPieceTokenCounter(IReadOnlyList<string> tokensInIdOrder, WordPieceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(tokensInIdOrder);
        ArgumentNullException.ThrowIfNull(settings);
        if (tokensInIdOrder.Count == 0)
        {
            throw new ArgumentException("The vocabulary has no tokens.", nameof(tokensInIdOrder));
        }

        var prefix = settings.ContinuingSubwordPrefix;
        var wordStarts = new Dictionary<string, int>(tokensInIdOrder.Count, StringComparer.Ordinal);
        var continuations = new Dictionary<string, int>(tokensInIdOrder.Count / 4, StringComparer.Ordinal);
        for (var id = 0; id < tokensInIdOrder.Count; id++)
        {
            var token = tokensInIdOrder[id];
            if (string.IsNullOrEmpty(token))
            {
                continue;
            }

            if (prefix.Length > 0 && token.Length > prefix.Length && token.StartsWith(prefix, StringComparison.Ordinal))
            {
                var rest = token[prefix.Length..];
                continuations.TryAdd(rest, id);
                _longestContinuation = Math.Max(_longestContinuation, rest.Length);
            }

            wordStarts.TryAdd(token, id);
            _longestWordStart = Math.Max(_longestWordStart, token.Length);
        }

        _wordStarts = wordStarts.GetAlternateLookup<ReadOnlySpan<char>>();
        _continuations = continuations.GetAlternateLookup<ReadOnlySpan<char>>();
        _specialTokens = [.. settings.SpecialTokens.Where(t => t.Length > 0 && wordStarts.ContainsKey(t)).Distinct(StringComparer.Ordinal).OrderByDescending(t => t.Length)];
        _specialTokenStarts = SearchValues.Create([.. _specialTokens.Select(t => t[0]).Distinct()]);
        _preTokenizer = new BertPreTokenizer(settings.Normalizer);
        _maxInputCharsPerWord = settings.MaxInputCharsPerWord;
    }

    /// <summary>Creates a counter from a <c>vocab.txt</c> file (one token per line, in id order; LF or CRLF line ends).</summary>
    /// <param name="vocabularyPath">The path of the vocabulary file.</param>
    /// <param name="settings">The tokenizer settings; <see cref="WordPieceSettings.BertUncased"/> when <see langword="null"/>.</param>
    /// <returns>The counter.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">The file holds no tokens.</exception>
    public static WordPieceTokenCounter FromVocabularyFile(string vocabularyPath, WordPieceSettings? settings = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(vocabularyPath);
        if (!File.Exists(vocabularyPath))
        {
            throw new FileNotFoundException($"WordPiece vocabulary '{vocabularyPath}' does not exist.", vocabularyPath);
        }

        return new WordPieceTokenCounter(File.ReadAllLines(vocabularyPath), settings ?? WordPieceSettings.BertUncased);
    }

    /// <summary>Counts the tokens of <paramref name="text"/>, without the classification and separator tokens.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The number of tokens.</returns>
    public int CountTokens(ReadOnlySpan<char> text)
    {
        var scratch = _scratch ??= new Scratch();
        var count = 0;
        while (!text.IsEmpty)
        {
            var (index, length) = FindSpecialToken(text);
            count += CountSegment(index < 0 ? text : text[..index], scratch);
            if (index < 0)
            {
                break;
            }

            count++;
            text = text[(index + length)..];
        }

        return count;
    }

    private int CountSegment(ReadOnlySpan<char> segment, Scratch scratch)
    {
        if (segment.IsEmpty)
        {
            return 0;
        }

        _preTokenizer.Split(segment, scratch.Normalized, scratch.Words);
        var count = 0;
        foreach (var (start, length) in scratch.Words)
        {
            if (length > _maxInputCharsPerWord && BertPreTokenizer.CountScalars(scratch.Normalized, start, length) > _maxInputCharsPerWord)
            {
                // A word over the limit is one unknown token.
                count++;
                continue;
            }

            var word = scratch.Word(length);
            scratch.Normalized.CopyTo(start, word, length);
            count += CountPieces(word);
        }

        return count;
    }

    /// <summary>Greedy longest-match word pieces of one word; a word the vocabulary cannot spell is one unknown token.</summary>
    private int CountPieces(ReadOnlySpan<char> word)
    {
        var pieces = 0;
        var start = 0;
        while (start < word.Length)
        {
            var lookup = start == 0 ? _wordStarts : _continuations;
            var end = Math.Min(word.Length, start + (start == 0 ? _longestWordStart : _longestContinuation));
            var found = false;
            while (end > start)
            {
                // Pieces end on whole Unicode scalars, as the reference measures them.
                if (end < word.Length && char.IsLowSurrogate(word[end]) && char.IsHighSurrogate(word[end - 1]))
                {
                    end--;
                    continue;
                }

                if (lookup.ContainsKey(word[start..end]))
                {
                    found = true;
                    break;
                }

                end--;
            }

            if (!found)
            {
                return 1;
            }

            pieces++;
            start = end;
        }

        return pieces;
    }

    private (int Index, int Length) FindSpecialToken(ReadOnlySpan<char> text)
    {
        var best = -1;
        var bestLength = 0;
        if (text.IndexOfAny(_specialTokenStarts) < 0)
        {
            return (best, bestLength);
        }

        foreach (var token in _specialTokens)
        {
            var at = text.IndexOf(token, StringComparison.Ordinal);
            if (at >= 0 && (best < 0 || at < best))
            {
                best = at;
                bestLength = token.Length;
            }
        }

        return (best, bestLength);
    }

    /// <summary>Per-thread buffers, so that counting allocates nothing once they have grown.</summary>
    private sealed class Scratch
    {
        private char[] _word = new char[64];

        public StringBuilder Normalized { get; } = new(256);

        public List<(int Start, int Length)> Words { get; } = new(64);

        public Span<char> Word(int length)
        {
            if (_word.Length < length)
            {
                _word = new char[Math.Max(length, _word.Length * 2)];
            }

            return _word.AsSpan(0, length);
        }
    }
}
