using LocalAI.Onnx.Tests.Support;
using LocalAI.Text;

namespace LocalAI.Onnx.Tests;

public sealed class SentenceTokenizerTests
{
    private static readonly SentenceTokenizer Tokenizer = SentenceTokenizer.Create(
        File.ReadAllLines(Path.Combine(Fixtures.TinyBert, "vocab.txt")), WordPieceSettings.BertUncased);

    public static TheoryData<int> WordPieceCaseNumbers() => [.. Enumerable.Range(0, Fixtures.WordPieceCases.Count)];

    public static TheoryData<int> ReferenceCaseNumbers() => [.. Enumerable.Range(0, Fixtures.ReferenceCases.Count)];

    [Fact]
    public void The_conformance_fixture_holds_all_its_pairs() =>
        Assert.Equal(46, Fixtures.WordPieceCases.Count);

    [Theory]
    [MemberData(nameof(WordPieceCaseNumbers))]
    public void EncodeWithoutSpecialTokens_matches_the_reference_WordPiece_tokenizer(int number)
    {
        var (text, expected) = Fixtures.WordPieceCases[number];

        var actual = Tokenizer.EncodeWithoutSpecialTokens(text);

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(ReferenceCaseNumbers))]
    public void Encode_matches_the_reference_ids_with_special_tokens_and_truncation(int number)
    {
        var reference = Fixtures.ReferenceCases[number];

        var actual = Tokenizer.Encode(reference.Text, 128, out _);

        Assert.Equal(reference.InputIds, actual);
    }

    [Theory]
    [MemberData(nameof(ReferenceCaseNumbers))]
    public void Tokenizer_read_from_tokenizer_json_alone_matches_the_reference(int number)
    {
        using var folder = Fixtures.CopyTinyBert();
        var model = Path.Combine(folder.Path, "tiny-bert-st");
        File.Delete(Path.Combine(model, "vocab.txt"));
        var config = SentenceEncoderConfigReader.Read(model, null, new OnnxBackendOptions { ModelPath = model });
        var tokenizer = SentenceTokenizer.Create(config.Vocabulary, config.Tokenizer);
        var reference = Fixtures.ReferenceCases[number];

        Assert.Equal(reference.InputIds, tokenizer.Encode(reference.Text, config.MaxSequenceLength, out _));
    }

    [Fact]
    public void Tokenizer_read_from_vocab_txt_alone_matches_every_conformance_pair()
    {
        using var folder = Fixtures.CopyTinyBert();
        var model = Path.Combine(folder.Path, "tiny-bert-st");
        File.Delete(Path.Combine(model, "tokenizer.json"));
        var config = SentenceEncoderConfigReader.Read(model, null, new OnnxBackendOptions { ModelPath = model });
        var tokenizer = SentenceTokenizer.Create(config.Vocabulary, config.Tokenizer);

        foreach (var (text, expected) in Fixtures.WordPieceCases)
        {
            Assert.Equal(expected, tokenizer.EncodeWithoutSpecialTokens(text));
        }
    }

    [Fact]
    public void Encode_truncates_to_the_maximum_and_keeps_the_separator()
    {
        var ids = Tokenizer.Encode(string.Join(' ', Enumerable.Repeat("hello", 50)), 10, out var truncated);

        Assert.True(truncated);
        Assert.Equal(10, ids.Length);
        Assert.Equal(Tokenizer.ClassificationTokenId, ids[0]);
        Assert.Equal(Tokenizer.SeparatorTokenId, ids[^1]);
        Assert.All(ids[1..^1], id => Assert.Equal(7592, id));
    }

    [Fact]
    public void Encode_of_a_text_that_fits_exactly_is_not_truncated()
    {
        var ids = Tokenizer.Encode("hello hello hello", 5, out var truncated);

        Assert.False(truncated);
        Assert.Equal([101, 7592, 7592, 7592, 102], ids);
    }

    [Fact]
    public void Special_tokens_in_the_text_are_matched_verbatim_as_the_reference_does()
    {
        // "[MASK]" written in the text is the mask token (103), not "[", "mask", "]"; lower case is ordinary text.
        Assert.Equal([7592, 103, 2088], Tokenizer.EncodeWithoutSpecialTokens("hello [MASK] world"));
        Assert.Equal([1031, 7308, 1033], Tokenizer.EncodeWithoutSpecialTokens("[mask]"));
    }

    [Fact]
    public void A_word_longer_than_the_limit_becomes_the_unknown_token()
    {
        Assert.Equal([100], Tokenizer.EncodeWithoutSpecialTokens(new string('a', 101)));
        Assert.NotEqual([100], Tokenizer.EncodeWithoutSpecialTokens(new string('a', 100)));
    }

    [Fact]
    public void Encoding_is_the_same_from_many_threads()
    {
        var texts = Fixtures.WordPieceCases.Select(c => c.Text).ToArray();
        var expected = texts.Select(t => Tokenizer.EncodeWithoutSpecialTokens(t).ToArray()).ToArray();

        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            Assert.Equal(expected[i % texts.Length], Tokenizer.EncodeWithoutSpecialTokens(texts[i % texts.Length])));
    }
}
