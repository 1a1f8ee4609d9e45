namespace LocalAI.Text;

/// <summary>Everything a BERT-family WordPiece tokenizer needs besides its vocabulary.</summary>
/// <param name="Normalizer">The text clean-up before splitting into words.</param>
/// <param name="ClassificationToken">The token put first (<c>[CLS]</c>, or <c>&lt;s&gt;</c> for MPNet).</param>
/// <param name="SeparatorToken">The token put last (<c>[SEP]</c>, or <c>&lt;/s&gt;</c> for MPNet).</param>
/// <param name="PaddingToken">The token that pads a batch (<c>[PAD]</c>).</param>
/// <param name="UnknownToken">The token for a word the vocabulary cannot spell (<c>[UNK]</c>).</param>
/// <param name="ContinuingSubwordPrefix">The prefix of a word piece that continues a word (<c>##</c>).</param>
/// <param name="MaxInputCharsPerWord">Words longer than this many characters become the unknown token.</param>
/// <param name="SpecialTokens">Tokens matched verbatim in the raw text before normalization (<c>[MASK]</c>, <c>[SEP]</c>...).</param>
public sealed record WordPieceSettings(
    BertNormalizerSettings Normalizer,
    string ClassificationToken,
    string SeparatorToken,
    string PaddingToken,
    string UnknownToken,
    string ContinuingSubwordPrefix,
    int MaxInputCharsPerWord,
    IReadOnlyList<string> SpecialTokens)
{
    /// <summary>Gets the settings of the standard uncased BERT vocabulary.</summary>
    public static WordPieceSettings BertUncased { get; } = new(
        BertNormalizerSettings.Uncased, "[CLS]", "[SEP]", "[PAD]", "[UNK]", "##", 100, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
}
