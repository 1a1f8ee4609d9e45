using Microsoft.ML.Tokenizers;

namespace LocalAI.Rag;

/// <summary>An <see cref="ITokenCounter"/> over a Microsoft.ML.Tokenizers <see cref="Tokenizer"/> (BERT WordPiece, Tiktoken, SentencePiece ...).</summary>
public sealed class TokenizerTokenCounter : ITokenCounter
{
    private readonly Tokenizer _tokenizer;

    /// <summary>Initializes a new instance of the <see cref="TokenizerTokenCounter"/> class.</summary>
    /// <param name="tokenizer">The tokenizer; thread-safe for counting.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> is <see langword="null"/>.</exception>
    public TokenizerTokenCounter(Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = tokenizer;
    }

    /// <summary>Creates a counter from a BERT WordPiece vocabulary file (<c>vocab.txt</c>), the tokenizer of most sentence-embedding models.</summary>
    /// <param name="vocabularyPath">The path of <c>vocab.txt</c>.</param>
    /// <param name="lowerCase">Whether the model is uncased (lower-cases before tokenizing).</param>
    /// <returns>The counter.</returns>
    /// <exception cref="FileNotFoundException">The vocabulary file does not exist.</exception>
    public static TokenizerTokenCounter FromBertVocabulary(string vocabularyPath, bool lowerCase = true)
    {
        BertVocabulary.ThrowIfMissing(vocabularyPath);
        return new(BertTokenizer.Create(vocabularyPath, new BertOptions { LowerCaseBeforeTokenization = lowerCase }));
    }

    /// <summary>Creates a counter with the <c>cl100k_base</c> Tiktoken vocabulary, a general-purpose default when the embedding model's own vocabulary is not at hand.</summary>
    /// <returns>The counter.</returns>
    public static TokenizerTokenCounter CreateDefault() => new(TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    /// <inheritdoc/>
    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 0 ? 0 : _tokenizer.CountTokens(text);
    }
}
