namespace LocalAI.Text;

/// <summary>The text clean-up a BERT-family tokenizer applies before splitting into words (Hugging Face's <c>BertNormalizer</c>).</summary>
/// <param name="CleanText">Removes control characters and turns every whitespace character into a space.</param>
/// <param name="HandleChineseChars">Puts spaces around every CJK ideograph so that each becomes a word of its own.</param>
/// <param name="StripAccents">Decomposes (NFD) and removes non-spacing marks.</param>
/// <param name="Lowercase">Lower-cases the text.</param>
public sealed record BertNormalizerSettings(bool CleanText, bool HandleChineseChars, bool StripAccents, bool Lowercase)
{
    /// <summary>Gets the settings of the uncased BERT vocabulary (all-MiniLM-L6-v2, bge-small-en, all-mpnet-base-v2).</summary>
    public static BertNormalizerSettings Uncased { get; } = new(true, true, true, true);
}
