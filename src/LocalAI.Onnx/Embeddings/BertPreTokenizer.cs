using System.Globalization;
using System.Text;

namespace LocalAI.Onnx;

/// <summary>
/// The BERT basic tokenizer, done per Unicode scalar value exactly as Hugging Face's <c>BertNormalizer</c> and
/// <c>BertPreTokenizer</c> do it: clean-up, CJK isolation, accent stripping, lower-casing, then words split on
/// whitespace and on every punctuation character.
/// </summary>
/// <remarks>
/// Microsoft.ML.Tokenizers' <c>BertTokenizer</c> pre-tokenizes with a regular expression that keeps only word
/// characters and <c>\p{P}</c> punctuation, so it silently drops symbols the reference keeps (<c>=</c>, <c>`</c>,
/// <c>½</c>, <c>～</c>, emoji, which the reference turns into <c>[UNK]</c>) and splits words at spacing combining marks
/// (Khmer). This type does that step; Microsoft.ML.Tokenizers' <see cref="Microsoft.ML.Tokenizers.WordPieceTokenizer"/>
/// does the sub-word step.
/// </remarks>
internal sealed class BertPreTokenizer(BertNormalizerSettings settings)
{
    /// <summary>Normalizes <paramref name="text"/> into <paramref name="buffer"/> and reports each word's range in it.</summary>
    /// <param name="text">The raw text.</param>
    /// <param name="buffer">Receives the normalized text; cleared first.</param>
    /// <param name="words">Receives (start, length) of each word in <paramref name="buffer"/>; cleared first.</param>
    /// <param name="maxWords">Stops once this many words are found: every word is at least one token, so a caller that needs at most <c>n</c> tokens never needs more than <c>n</c> words.</param>
    public void Split(ReadOnlySpan<char> text, StringBuilder buffer, List<(int Start, int Length)> words, int maxWords = int.MaxValue)
    {
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

            if (settings.CleanText && (rune.Value is 0 or 0xFFFD || IsControl(rune)))
            {
                continue;
            }

            if (IsWhitespace(rune))
            {
                EndWord(buffer, words, ref wordStart);
                continue;
            }

            if (settings.HandleChineseChars && IsChineseChar(rune.Value))
            {
                AppendSingle(rune, buffer, words, ref wordStart, scratch);
                continue;
            }

            // Accent stripping (NFD, then every Mn dropped) can turn one scalar into several; each part is lower-cased
            // and classified again, as the reference classifies the normalized text.
            if (settings.StripAccents && rune.Value >= 0x80)
            {
                var written = rune.EncodeToUtf16(scratch);
                if (!((ReadOnlySpan<char>)scratch[..written]).IsNormalized(NormalizationForm.FormD))
                {
                    foreach (var part in new string(scratch[..written]).Normalize(NormalizationForm.FormD).EnumerateRunes())
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

    private void AppendNormalized(Rune rune, StringBuilder buffer, List<(int Start, int Length)> words, ref int wordStart, Span<char> scratch)
    {
        if (settings.Lowercase)
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
}
