using System.IO.Compression;
using System.Text;
using LocalAI.Onnx.Tests.Support;
using LocalAI.Text;

namespace LocalAI.Onnx.Tests;

/// <summary>The allocation-free counter the RAG chunker measures with agrees with the encoder's own tokenizer, which matches the reference.</summary>
public sealed class WordPieceTokenCounterTests
{
    private static readonly string[] Vocabulary = File.ReadAllLines(Path.Combine(Fixtures.TinyBert, "vocab.txt"));
    private static readonly WordPieceTokenCounter Counter = new(Vocabulary, WordPieceSettings.BertUncased);
    private static readonly SentenceTokenizer Tokenizer = SentenceTokenizer.Create(Vocabulary, WordPieceSettings.BertUncased);

    public static TheoryData<int> WordPieceCaseNumbers() => [.. Enumerable.Range(0, Fixtures.WordPieceCases.Count)];

    [Theory]
    [MemberData(nameof(WordPieceCaseNumbers))]
    public void CountTokens_equals_the_reference_token_count(int number)
    {
        var (text, expected) = Fixtures.WordPieceCases[number];

        Assert.Equal(expected.Length, Counter.CountTokens(text));
    }

    [Fact]
    public void CountTokens_equals_the_encoder_on_random_text_from_every_script_and_category()
    {
        // Letters with and without accents, CJK, Hangul, Cyrillic, emoji (surrogate pairs), symbols, controls, format
        // characters, unusual spaces, special tokens and words far over the 100-character limit.
        string[] pool = ["a", "e", "z", "Q", "é", "Ä", "ß", "İ", "ﬁ", "ǅ", "中", "文", "한", "日本", "ж", "Б", "🦙", "👍🏽", "=", "`", "½", "～", "-", "'", ".", ",", "!", "(", ")",
            "\u0301", "\u200b", "\u00ad", "\u0000", "\ufffd", "\u0007", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "[MASK]", "[SEP]", "[unk]", "##", "ing", "un",
            "believ", "able", "postgres", "embedding", new string('x', 101), new string('é', 99), "\ud800"];
        var random = new Random(20261202);
        for (var i = 0; i < 3_000; i++)
        {
            var text = new StringBuilder();
            var parts = random.Next(1, 40);
            for (var p = 0; p < parts; p++)
            {
                text.Append(pool[random.Next(pool.Length)]);
            }

            var value = text.ToString();
            Assert.True(Tokenizer.EncodeWithoutSpecialTokens(value).Count == Counter.CountTokens(value), $"'{value}'");
        }
    }

    [Fact]
    public void CountTokens_equals_the_encoder_on_every_line_of_real_manual_pages()
    {
        var pages = Directory.EnumerateFiles("/usr/share/man/man1", "*.gz").Order(StringComparer.Ordinal).Take(150).ToList();
        Assert.NotEmpty(pages);
        var checkedLines = 0;
        foreach (var page in pages)
        {
            using var reader = new StreamReader(new GZipStream(File.OpenRead(page), CompressionMode.Decompress));
            var text = reader.ReadToEnd();
            Assert.Equal(Tokenizer.EncodeWithoutSpecialTokens(text).Count, Counter.CountTokens(text));
            foreach (var line in text.Split('\n'))
            {
                Assert.True(Tokenizer.EncodeWithoutSpecialTokens(line).Count == Counter.CountTokens(line), $"{page}: '{line}'");
                checkedLines++;
            }
        }

        Assert.True(checkedLines > 10_000, $"only {checkedLines} lines");
    }

    [Fact]
    public void CountTokens_allocates_nothing_once_warm()
    {
        const string Text = "The weather is lovely today, isn't it? Café crème, naïve façades and 東京 — 🦙.cpp (v1.2) [MASK] unbelievable.";
        var expected = Counter.CountTokens(Text);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = 0;
        for (var i = 0; i < 100; i++)
        {
            total += Counter.CountTokens(Text);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(expected * 100, total);
    }

    [Fact]
    public void A_missing_vocabulary_file_is_named()
    {
        var error = Assert.Throws<FileNotFoundException>(() => WordPieceTokenCounter.FromVocabularyFile("/nonexistent/vocab.txt"));
        Assert.Contains("/nonexistent/vocab.txt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_vocabulary_is_refused() =>
        Assert.Throws<ArgumentException>(() => new WordPieceTokenCounter([], WordPieceSettings.BertUncased));
}
