namespace LocalAI.Rag.Tests;

public sealed class BertTokenCounterTests
{
    private static readonly BertTokenCounter Counter = BertTokenCounter.FromVocabulary(TinyBertModel.VocabularyPath);

    [Theory]
    [InlineData("", 0)]
    [InlineData("hello world", 2)]
    [InlineData("Hello, World!", 4)]
    [InlineData("x = y", 3)] // '=' is a token of its own, as in the reference; Microsoft's BertTokenizer drops it.
    [InlineData("a\nb", 2)] // a line break separates words.
    [InlineData("unbelievable", 1)]
    [InlineData("[MASK] token", 2)]
    public void Counts_as_the_reference_tokenizer_does(string text, int expected) =>
        Assert.Equal(expected, Counter.CountTokens(text));

    [Fact]
    public void A_missing_vocabulary_names_the_setting()
    {
        var error = Assert.Throws<FileNotFoundException>(() => BertTokenCounter.FromVocabulary("/nonexistent/vocab.txt"));
        Assert.Contains("TokenizerVocabularyPath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_text_is_refused() =>
        Assert.Throws<ArgumentNullException>(() => Counter.CountTokens(null!));
}
