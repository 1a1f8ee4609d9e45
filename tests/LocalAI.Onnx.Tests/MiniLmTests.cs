using System.Numerics.Tensors;
using LocalAI.Onnx.Tests.Support;
using LocalAI.Testing.Models;

namespace LocalAI.Onnx.Tests;

/// <summary>The real all-MiniLM-L6-v2 against what sentence-transformers publishes and does.</summary>
public sealed class MiniLmTests : IClassFixture<MiniLmGeneratorFixture>
{
    private const string Weather = "The weather is lovely today.";
    private const string Sunny = "It's so sunny outside!";
    private const string Stadium = "He drove to the stadium.";
    private readonly OnnxEmbeddingGenerator _generator;

    public MiniLmTests(MiniLmGeneratorFixture fixture) => _generator = fixture.Generator;

    [Theory]
    // The similarities sentence-transformers' documentation prints for all-MiniLM-L6-v2 (Quickstart, model.similarity).
    [InlineData(Weather, Sunny, 0.6660)]
    [InlineData(Weather, Stadium, 0.1046)]
    [InlineData(Sunny, Stadium, 0.1411)]
    public async Task Similarities_are_the_ones_sentence_transformers_publishes(string first, string second, double published)
    {
        var result = await _generator.GenerateAsync([first, second]);

        var similarity = TensorPrimitives.CosineSimilarity(result[0].Vector.Span, result[1].Vector.Span);

        Assert.Equal(published, Math.Round(similarity, 4), 1e-4);
    }

    [Fact]
    public async Task The_folder_declares_384_dimensions_and_256_tokens_from_sentence_bert_config()
    {
        var result = await _generator.GenerateAsync(["x"]);

        Assert.Equal(MiniLmModel.Dimensions, result[0].Vector.Length);
        Assert.Equal(MiniLmModel.MaxSequenceLength, _generator.Encoder!.Config.MaxSequenceLength);
        Assert.Equal(MaxLengthSources.SentenceBertConfig, _generator.Encoder.Config.MaxSequenceLengthSource);
        Assert.Equal(MiniLmModel.MaxSequenceLength, result.AdditionalProperties![OnnxEmbeddingGenerator.MaxSequenceLengthKey]);
    }

    [Fact]
    public async Task A_batch_gives_each_text_the_vector_it_gets_alone()
    {
        string[] texts = [Weather, Sunny, Stadium, "A much longer sentence, so that the batch is padded to it and the shorter texts carry padding tokens that must be masked out.", string.Empty];

        var batch = await _generator.GenerateAsync(texts);

        for (var i = 0; i < texts.Length; i++)
        {
            var single = await _generator.GenerateAsync([texts[i]]);
            VectorAssert.Close(single[0].Vector.Span, batch[i].Vector.Span, 1e-5f, $"text {i}:");
        }
    }

    [Fact]
    public async Task A_text_over_256_tokens_is_cut_as_sentence_transformers_cuts_it_keeping_the_first_254_word_pieces()
    {
        // Every word is one WordPiece token of the uncased vocabulary, so a prefix of words is a prefix of tokens.
        string[] words = ["the", "river", "runs", "past", "old", "mill", "and", "under", "a", "stone", "bridge", "near", "town"];
        var tokens = Enumerable.Range(0, 300).Select(i => words[i % words.Length]).ToArray();
        var longText = string.Join(' ', tokens);
        var kept = string.Join(' ', tokens[..254]);
        var oneMore = string.Join(' ', tokens[..255]);

        var ids = _generator.Encoder!.Tokenize([longText, kept]);
        var result = await _generator.GenerateAsync([longText, kept, oneMore]);

        // [CLS] + 254 word pieces + [SEP]: truncation drops the tail and keeps the separator, as Hugging Face's tokenizer does.
        Assert.Equal(256, ids.Ids[0].Length);
        Assert.Equal(ids.Ids[1], ids.Ids[0]);
        Assert.True(ids.Truncated[0]);
        Assert.False(ids.Truncated[1]);
        Assert.Equal(102, ids.Ids[0][^1]);
        Assert.Equal(2, result.AdditionalProperties![OnnxEmbeddingGenerator.TruncatedCountKey]);
        VectorAssert.Close(result[1].Vector.Span, result[0].Vector.Span, 1e-6f, "the long text and its first 254 words:");
        Assert.Equal(true, result[2].AdditionalProperties![OnnxEmbeddingGenerator.TruncatedKey]);
        VectorAssert.Close(result[1].Vector.Span, result[2].Vector.Span, 1e-6f, "255 words are cut to the same 254:");
    }
}
