using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace LocalAI.Text;

/// <summary>
/// The BERT basic tokenizer, done per Unicode scalar value exactly as Hugging Face's <c>BertNormalizer</c> and
/// <c>BertPreTokenizer</c> do it: clean-up, CJK isolation, accent stripping, lower-casing, then words split on
/// whitespace and on every punctuation character.
/// </summary>
/// <remarks>
/// Microsoft.ML.Tokenizers' <c>BertTokenizer</c> pre-tokenizes with a regular expression that keeps only word
/// characters and <c>\p{P}</c> punctuation, so it silently drops symbols the reference keeps (<c>=</c>, <c>`</c>,
/// <c>½</c>, <c>～</c>, emoji, which the reference turns into <c>[UNK]</c>) and splits words at spacing combining marks
/// (Khmer). This type does that step; <see cref="WordPieceTokenCounter"/> and the ONNX backend's tokenizer do the
/// sub-word step. Thread-safe: it keeps no state of its own.
/// </remarks>
public sealed class BertPreTokenizer
{
    private const int MaxRememberedDecompositions = 16_384;
    private static readonly ConcurrentDictionary<int, string?> Decompositions = new();
    private static readonly AsciiKind[] AsciiKinds = ClassifyAscii();
    private readonly BertNormalizerSettings _settings;

    /// <summary>Initializes a new instance of the <see cref="BertPreTokenizer"/> class.</summary>
    /// <param name="settings">The clean-up to apply.</param>
    /// <exception cref="ArgumentNullException"><paramref name="settings"/> is <see langword="null"/>.</exception>
    public BertPreTokenizer(BertNormalizerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
    }

    /// <summary>Normalizes <paramref name="text"/> into <paramref name="buffer"/> and reports each word's range in it.</summary>
    /// <param name="text">The raw text.</param>
    /// <param name="buffer">Receives the normalized text; cleared first.</param>
    /// <param name="words">Receives (start, length) of each word in <paramref name="buffer"/>; cleared first.</param>
    /// <param name="maxWords">Stops once this many words are found: every word is at least one token, so a caller that needs at most <c>n</c> tokens never needs more than <c>n</c> words.</param>
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> or <paramref name="words"/> is <see langword="null"/>.</exception>
    public void Split(ReadOnlySpan<char> text, StringBuilder buffer, List<(int Start, int Length)> words, int maxWords = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(words);
        buffer.Clear();
        words.Clear();
        var wordStart = -1;
        Span<char> scratch = stackalloc char[2];
        foreach (var rune in text.EnumerateRunes())
        {
            if (words.Count >= maxWords)
            {
                return;
            }

            if (rune.Value < 0x80)
            {
                SplitAscii((char)rune.Value, buffer, words, ref wordStart);
                continue;
            }

            if (_settings.CleanText && (rune.Value is 0xFFFD || IsControl(rune)))
            {
                continue;
            }

            if (IsWhitespace(rune))
            {
                EndWord(buffer, words, ref wordStart);
                continue;
            }

            if (_settings.HandleChineseChars && IsChineseChar(rune.Value))
            {
                AppendSingle(rune, buffer, words, ref wordStart, scratch);
                continue;
            }

            // Accent stripping (NFD, then every Mn dropped) can turn one scalar into several; each part is lower-cased
            // and classified again, as the reference classifies the normalized text.
            if (_settings.StripAccents && rune.Value >= 0x80)
            {
                if (Decompose(rune) is { } decomposed)
                {
                    foreach (var part in decomposed.EnumerateRunes())
                    {
                        if (Rune.GetUnicodeCategory(part) != UnicodeCategory.NonSpacingMark)
                        {
                            AppendNormalized(part, buffer, words, ref wordStart, scratch);
                        }
                    }

                    continue;
                }

                if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.NonSpacingMark)
                {
                    continue;
                }
            }

            AppendNormalized(rune, buffer, words, ref wordStart, scratch);
        }

        EndWord(buffer, words, ref wordStart);
    }

    /// <summary>Counts the Unicode scalar values of a word in the normalized text: the unit in which a word's length limit (<see cref="WordPieceSettings.MaxInputCharsPerWord"/>) is measured.</summary>
    /// <param name="text">The normalized text <see cref="Split"/> wrote.</param>
    /// <param name="start">The word's start.</param>
    /// <param name="length">The word's length in UTF-16 units.</param>
    /// <returns>The number of scalar values.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public static int CountScalars(StringBuilder text, int start, int length)
    {
        ArgumentNullException.ThrowIfNull(text);
        var count = 0;
        for (var i = start; i < start + length; i++)
        {
            if (!char.IsLowSurrogate(text[i]))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The same steps as for any scalar, for an ASCII character, with its classes looked up.</summary>
    private void SplitAscii(char c, StringBuilder buffer, List<(int Start, int Length)> words, ref int wordStart)
    {
        var kind = AsciiKinds[c];
        if ((kind & AsciiKind.Control) != 0 && _settings.CleanText)
        {
            return;
        }

        if ((kind & AsciiKind.Whitespace) != 0)
        {
            EndWord(buffer, words, ref wordStart);
            return;
        }

        if ((kind & AsciiKind.Punctuation) != 0)
        {
            EndWord(buffer, words, ref wordStart);
            words.Add((buffer.Length, 1));
            buffer.Append(c);
            return;
        }

        if (wordStart < 0)
        {
            wordStart = buffer.Length;
        }

        buffer.Append(_settings.Lowercase ? char.ToLowerInvariant(c) : c);
    }

    private void AppendNormalized(Rune rune, StringBuilder buffer, List<(int Start, int Length)> words, ref int wordStart, Span<char> scratch)
    {
        if (_settings.Lowercase)
        {
            if (rune.Value == 0x130)
            {
                // U+0130 is the one scalar whose full lower-case mapping is two scalars: i followed by U+0307.
                wordStart = wordStart < 0 ? buffer.Length : wordStart;
                buffer.Append('i').Append('\u0307');
                return;
            }

            rune = Rune.ToLowerInvariant(rune);
        }

        if (IsPunctuation(rune))
        {
            AppendSingle(rune, buffer, words, ref wordStart, scratch);
            return;
        }

        if (wordStart < 0)
        {
            wordStart = buffer.Length;
        }

        AppendRune(rune, buffer, scratch);
    }

    private static void AppendSingle(Rune rune, StringBuilder buffer, List<(int Start, int Length)> words, ref int wordStart, Span<char> scratch)
    {
        EndWord(buffer, words, ref wordStart);
        var start = buffer.Length;
        AppendRune(rune, buffer, scratch);
        words.Add((start, buffer.Length - start));
    }

    private static void AppendRune(Rune rune, StringBuilder buffer, Span<char> scratch)
    {
        var written = rune.EncodeToUtf16(scratch);
        buffer.Append(scratch[..written]);
    }

    private static void EndWord(StringBuilder buffer, List<(int Start, int Length)> words, ref int wordStart)
    {
        if (wordStart >= 0)
        {
            words.Add((wordStart, buffer.Length - wordStart));
            wordStart = -1;
        }
    }

    /// <summary>The canonical decomposition (NFD) of one scalar, or <see langword="null"/> when it has none; remembered per scalar, so that a warm tokenizer allocates nothing.</summary>
    private static string? Decompose(Rune rune)
    {
        if (Decompositions.TryGetValue(rune.Value, out var known))
        {
            return known;
        }

        var text = rune.ToString();
        var decomposed = text.IsNormalized(NormalizationForm.FormD) ? null : text.Normalize(NormalizationForm.FormD);

        // Bounded, so that text made of every scalar there is cannot grow it without end.
        if (Decompositions.Count < MaxRememberedDecompositions)
        {
            Decompositions.TryAdd(rune.Value, decomposed);
        }

        return decomposed;
    }

    private static AsciiKind[] ClassifyAscii()
    {
        var kinds = new AsciiKind[0x80];
        for (var c = 0; c < kinds.Length; c++)
        {
            var rune = new Rune(c);
            kinds[c] = (c == 0 || IsControl(rune) ? AsciiKind.Control : 0)
                | (IsWhitespace(rune) ? AsciiKind.Whitespace : 0)
                | (IsPunctuation(rune) ? AsciiKind.Punctuation : 0);
        }

        return kinds;
    }

    /// <summary>Whitespace as the reference sees it: tab, new line, carriage return and every Unicode White_Space character.</summary>
    private static bool IsWhitespace(Rune rune) => Rune.IsWhiteSpace(rune);

    /// <summary>Control as the reference sees it: every "Other" category (Cc, Cf, Cs, Co, Cn) except tab, new line and carriage return.</summary>
    private static bool IsControl(Rune rune)
    {
        if (rune.Value is '\t' or '\n' or '\r')
        {
            return false;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
    }

    /// <summary>Punctuation as the reference sees it: every ASCII symbol and punctuation character, and every Unicode P* character.</summary>
    private static bool IsPunctuation(Rune rune)
    {
        var value = rune.Value;
        if (value is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126))
        {
            return true;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>The CJK Unified Ideographs blocks the reference isolates (not Hiragana, Katakana or Hangul).</summary>
    private static bool IsChineseChar(int value) =>
        value is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);

    [Flags]
    private enum AsciiKind : byte
    {
        Control = 1,
        Whitespace = 2,
        Punctuation = 4,
    }
}
