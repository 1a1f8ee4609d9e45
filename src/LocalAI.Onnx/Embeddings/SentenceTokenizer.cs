using System.Text;
using LocalAI.Text;
using Microsoft.ML.Tokenizers;

namespace LocalAI.Onnx;

/// <summary>
/// Turns a text into the token ids a BERT-family sentence encoder expects: special tokens matched verbatim, the BERT basic
/// tokenizer (<see cref="BertPreTokenizer"/>), Microsoft.ML.Tokenizers' WordPiece per word, then the classification and
/// separator tokens around it, truncated to a maximum length. Thread-safe.
/// </summary>
internal sealed class SentenceTokenizer
{
    [ThreadStatic]
    private static Scratch? _scratch;

    private readonly WordPieceTokenizer _wordPiece;
    private readonly BertPreTokenizer _preTokenizer;
    private readonly (string Text, int Id)[] _specialTokens;
    private readonly int _maxInputCharsPerWord;
    private readonly string _unknownToken;

    private SentenceTokenizer(WordPieceTokenizer wordPiece, WordPieceSettings settings, IReadOnlyDictionary<string, int> vocabulary)
    {
        _wordPiece = wordPiece;
        _preTokenizer = new BertPreTokenizer(settings.Normalizer);
        _maxInputCharsPerWord = settings.MaxInputCharsPerWord;
        _unknownToken = settings.UnknownToken;
        ClassificationTokenId = Lookup(vocabulary, settings.ClassificationToken);
        SeparatorTokenId = Lookup(vocabulary, settings.SeparatorToken);
        PaddingTokenId = Lookup(vocabulary, settings.PaddingToken);
        UnknownTokenId = Lookup(vocabulary, settings.UnknownToken);
        _specialTokens = settings.SpecialTokens
            .Where(t => t.Length > 0 && vocabulary.ContainsKey(t))
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(t => t.Length)
            .Select(t => (t, vocabulary[t]))
            .ToArray();
    }

    /// <summary>Gets the id of the token put first.</summary>
    public int ClassificationTokenId { get; }

    /// <summary>Gets the id of the token put last.</summary>
    public int SeparatorTokenId { get; }

    /// <summary>Gets the id that pads a batch.</summary>
    public int PaddingTokenId { get; }

    /// <summary>Gets the id of the unknown token.</summary>
    public int UnknownTokenId { get; }

    /// <summary>Creates a tokenizer from a vocabulary given as tokens in id order (the <c>vocab.txt</c> format).</summary>
    /// <param name="tokensInIdOrder">Every token, the one on line <c>n</c> having id <c>n</c>.</param>
    /// <param name="settings">The normalizer and special tokens.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="InvalidDataException">The vocabulary lacks one of the special tokens the settings name.</exception>
    public static SentenceTokenizer Create(IReadOnlyList<string> tokensInIdOrder, WordPieceSettings settings)
    {
        var vocabulary = new Dictionary<string, int>(tokensInIdOrder.Count, StringComparer.Ordinal);
        var text = new StringBuilder(tokensInIdOrder.Count * 8);
        for (var i = 0; i < tokensInIdOrder.Count; i++)
        {
            vocabulary.TryAdd(tokensInIdOrder[i], i);
            text.Append(tokensInIdOrder[i]).Append('\n');
        }

        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()));
        var wordPiece = WordPieceTokenizer.Create(stream, new WordPieceOptions
        {
            UnknownToken = settings.UnknownToken,
            ContinuingSubwordPrefix = settings.ContinuingSubwordPrefix,

            // Words are measured in Unicode scalars here, as the reference does; the library counts UTF-16 units, so
            // its own limit is set where it can never cut in first.
            MaxInputCharsPerWord = settings.MaxInputCharsPerWord * 2,
            PreTokenizer = SpacePreTokenizer.Instance,
            Normalizer = null,
        });
        return new SentenceTokenizer(wordPiece, settings, vocabulary);
    }

    /// <summary>Encodes a text with the classification and separator tokens, truncated to <paramref name="maxTokens"/> tokens in all.</summary>
    /// <param name="text">The text.</param>
    /// <param name="maxTokens">The maximum number of tokens, special tokens included; at least 2.</param>
    /// <param name="truncated">Whether the text had more tokens than fit.</param>
    /// <returns>The token ids.</returns>
    public int[] Encode(string text, int maxTokens, out bool truncated)
    {
        var scratch = _scratch ??= new Scratch();
        var ids = scratch.Ids;
        ids.Clear();
        ids.Add(ClassificationTokenId);
        EncodeWords(text, ids, maxTokens - 1, scratch);
        truncated = ids.Count > maxTokens - 1;
        var contentCount = Math.Min(ids.Count, maxTokens - 1);
        var result = new int[contentCount + 1];
        ids.CopyTo(0, result, 0, contentCount);
        result[contentCount] = SeparatorTokenId;
        return result;
    }

    /// <summary>Encodes a text without the classification and separator tokens and without truncation.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The token ids.</returns>
    public IReadOnlyList<int> EncodeWithoutSpecialTokens(string text)
    {
        var ids = new List<int>();
        EncodeWords(text, ids, int.MaxValue, _scratch ??= new Scratch());
        return ids;
    }

    /// <summary>Appends the ids of <paramref name="text"/> until more than <paramref name="limit"/> ids are in <paramref name="ids"/>.</summary>
    private void EncodeWords(ReadOnlySpan<char> text, List<int> ids, int limit, Scratch scratch)
    {
        while (!text.IsEmpty && ids.Count <= limit)
        {
            var (index, special) = FindSpecialToken(text);
            var segment = index < 0 ? text : text[..index];
            EncodeSegment(segment, ids, limit, scratch);
            if (index < 0)
            {
                return;
            }

            ids.Add(_specialTokens[special].Id);
            text = text[(index + _specialTokens[special].Text.Length)..];
        }
    }

    private void EncodeSegment(ReadOnlySpan<char> segment, List<int> ids, int limit, Scratch scratch)
    {
        if (segment.IsEmpty)
        {
            return;
        }

        var normalized = scratch.Normalized;
        var words = scratch.Words;
        var room = (int)Math.Min((long)limit - ids.Count + 1, int.MaxValue);
        _preTokenizer.Split(segment, normalized, words, room);
        if (words.Count == 0)
        {
            return;
        }

        var joined = scratch.Joined;
        joined.Clear();
        foreach (var (start, length) in words)
        {
            if (joined.Length > 0)
            {
                joined.Append(' ');
            }

            if (BertPreTokenizer.CountScalars(normalized, start, length) > _maxInputCharsPerWord)
            {
                // The reference turns a word longer than the limit into the unknown token; the unknown token spelled as a
                // word is that token.
                joined.Append(_unknownToken);
            }
            else
            {
                joined.Append(normalized, start, length);
            }
        }

        ids.AddRange(_wordPiece.EncodeToIds(joined.ToString(), considerPreTokenization: true, considerNormalization: false));
    }

    private (int Index, int Special) FindSpecialToken(ReadOnlySpan<char> text)
    {
        var best = -1;
        var bestToken = -1;
        for (var i = 0; i < _specialTokens.Length; i++)
        {
            var at = text.IndexOf(_specialTokens[i].Text, StringComparison.Ordinal);
            if (at >= 0 && (best < 0 || at < best))
            {
                best = at;
                bestToken = i;
            }
        }

        return (best, bestToken);
    }

    private static int Lookup(IReadOnlyDictionary<string, int> vocabulary, string token) =>
        vocabulary.TryGetValue(token, out var id)
            ? id
            : throw new InvalidDataException($"The vocabulary has no token '{token}', which the tokenizer settings name as a special token.");

    /// <summary>Per-thread buffers, so that encoding allocates only its result.</summary>
    private sealed class Scratch
    {
        public List<int> Ids { get; } = new(128);

        public StringBuilder Normalized { get; } = new(256);

        public StringBuilder Joined { get; } = new(256);

        public List<(int Start, int Length)> Words { get; } = new(64);
    }
}
