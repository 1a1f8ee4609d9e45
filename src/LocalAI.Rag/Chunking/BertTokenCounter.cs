using LocalAI.Text;

namespace LocalAI.Rag;

/// <summary>
/// An <see cref="ITokenCounter"/> that counts exactly as the BERT WordPiece tokenizer of a sentence-embedding model does
/// (all-MiniLM-L6-v2, bge-small-en, all-mpnet-base-v2), the same tokenizer the ONNX backend encodes with, without
/// allocating per call. The chunker's default when the model's <c>vocab.txt</c> is known.
/// </summary>
/// <remarks>
/// Unlike <see cref="TokenizerTokenCounter.FromBertVocabulary"/> (Microsoft.ML.Tokenizers' <c>BertTokenizer</c>), this
/// counter keeps the symbols and line breaks the reference tokenizer keeps, so a chunk measured here is the chunk the
/// model sees. It excludes the classification and separator tokens.
/// </remarks>
public sealed class BertTokenCounter : ITokenCounter
{
    private readonly WordPieceTokenCounter _counter;

    /// <summary>Initializes a new instance of the <see cref="BertTokenCounter"/> class.</summary>
    /// <param name="counter">The WordPiece counter.</param>
    /// <exception cref="ArgumentNullException"><paramref name="counter"/> is <see langword="null"/>.</exception>
    public BertTokenCounter(WordPieceTokenCounter counter)
    {
        ArgumentNullException.ThrowIfNull(counter);
        _counter = counter;
    }

    /// <summary>Creates a counter from a BERT WordPiece vocabulary file (<c>vocab.txt</c>).</summary>
    /// <param name="vocabularyPath">The path of <c>vocab.txt</c>.</param>
    /// <param name="lowerCase">Whether the model is uncased (lower-cases and strips accents before tokenizing).</param>
    /// <returns>The counter.</returns>
    /// <exception cref="FileNotFoundException">The vocabulary file does not exist.</exception>
    public static BertTokenCounter FromVocabulary(string vocabularyPath, bool lowerCase = true)
    {
        BertVocabulary.ThrowIfMissing(vocabularyPath);
        var settings = lowerCase
            ? WordPieceSettings.BertUncased
            : WordPieceSettings.BertUncased with { Normalizer = BertNormalizerSettings.Uncased with { StripAccents = false, Lowercase = false } };
        return new BertTokenCounter(WordPieceTokenCounter.FromVocabularyFile(vocabularyPath, settings));
    }

    /// <inheritdoc/>
    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _counter.CountTokens(text);
    }
}
