using System.Numerics.Tensors;
using LocalAI.Onnx.Tests.Support;
using Microsoft.Extensions.AI;

namespace LocalAI.Onnx.Tests;

public sealed class OnnxEmbeddingGeneratorTests : IClassFixture<TinyBertGeneratorFixture>
{
    private const float Tolerance = 1e-5f;
    private readonly OnnxEmbeddingGenerator _generator;

    public OnnxEmbeddingGeneratorTests(TinyBertGeneratorFixture fixture) => _generator = fixture.Generator;

    public static TheoryData<int> ReferenceCaseNumbers() => [.. Enumerable.Range(0, Fixtures.ReferenceCases.Count)];

    [Theory]
    [MemberData(nameof(ReferenceCaseNumbers))]
    public async Task GenerateAsync_reproduces_the_sentence_transformers_embedding(int number)
    {
        var reference = Fixtures.ReferenceCases[number];

        var result = await _generator.GenerateAsync([reference.Text]);

        VectorAssert.Close(reference.Embedding, result[0].Vector.Span, Tolerance, $"case {number}:");
    }

    [Fact]
    public async Task GenerateAsync_of_every_reference_text_in_one_batch_reproduces_each_embedding()
    {
        var cases = Fixtures.ReferenceCases;

        var result = await _generator.GenerateAsync(cases.Select(c => c.Text));

        Assert.Equal(cases.Count, result.Count);
        for (var i = 0; i < cases.Count; i++)
        {
            VectorAssert.Close(cases[i].Embedding, result[i].Vector.Span, Tolerance, $"case {i} in a batch:");
        }
    }

    [Fact]
    public async Task GenerateAsync_reports_truncation_of_a_text_longer_than_the_maximum()
    {
        var longCase = Fixtures.ReferenceCases.Single(c => c.InputIds.Length == 128);

        var result = await _generator.GenerateAsync(["short text", longCase.Text]);

        Assert.Equal(1, result.AdditionalProperties![OnnxEmbeddingGenerator.TruncatedCountKey]);
        Assert.Equal(128, result.AdditionalProperties[OnnxEmbeddingGenerator.MaxSequenceLengthKey]);
        Assert.Null(result[0].AdditionalProperties);
        Assert.Equal(true, result[1].AdditionalProperties![OnnxEmbeddingGenerator.TruncatedKey]);
        VectorAssert.Close(longCase.Embedding, result[1].Vector.Span, Tolerance);
    }

    [Fact]
    public async Task GenerateAsync_reports_no_truncation_when_every_text_fits()
    {
        var result = await _generator.GenerateAsync(["a", "b c"]);

        Assert.Equal(0, result.AdditionalProperties![OnnxEmbeddingGenerator.TruncatedCountKey]);
        Assert.Equal(3 + 4, result.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task Embeddings_are_deterministic_unit_vectors_of_the_model_size_named_after_the_model()
    {
        string[] texts = ["Hello world", "Привет, мир", "我想在apple工作", "🦙🦙🦙", string.Empty, "   "];

        var first = await _generator.GenerateAsync(texts);
        var second = await _generator.GenerateAsync(texts);

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(32, first[i].Vector.Length);
            Assert.Equal("tiny-bert-st", first[i].ModelId);
            Assert.InRange(TensorPrimitives.Norm(first[i].Vector.Span), 1 - 1e-5f, 1 + 1e-5f);
            Assert.Equal(first[i].Vector.ToArray(), second[i].Vector.ToArray());
        }
    }

    [Fact]
    public async Task A_text_gets_the_same_vector_alone_and_padded_inside_a_batch_of_longer_texts()
    {
        const string text = "Hello world";
        var alone = await _generator.GenerateAsync([text]);
        var longer = Enumerable.Range(1, 9).Select(i => string.Join(' ', Enumerable.Repeat("padding words here", i))).ToList();

        // Without length sorting the short text shares a sub-batch with texts up to 30 times longer.
        var encoder = _generator.Encoder!;
        var batch = encoder.Tokenize([.. longer, text]);
        var unsorted = encoder.Embed(batch, sortByLength: false, CancellationToken.None);
        var sorted = await _generator.GenerateAsync([.. longer, text]);

        VectorAssert.Close(alone[0].Vector.Span, unsorted[^1], Tolerance, "padded among longer texts:");
        VectorAssert.Close(alone[0].Vector.Span, sorted[^1].Vector.Span, Tolerance, "sorted batch:");
    }

    [Fact]
    public async Task Different_texts_get_different_vectors()
    {
        var result = await _generator.GenerateAsync(["Hello world", "The quick brown fox"]);

        Assert.True(TensorPrimitives.CosineSimilarity(result[0].Vector.Span, result[1].Vector.Span) < 0.999f);
    }

    [Fact]
    public async Task A_very_long_input_is_truncated_quickly()
    {
        var huge = string.Join(' ', Enumerable.Repeat("embedding", 200_000));

        var result = await _generator.GenerateAsync([huge]);

        Assert.Equal(1, result.AdditionalProperties![OnnxEmbeddingGenerator.TruncatedCountKey]);
        Assert.Equal(128, result.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task Thirty_two_concurrent_callers_share_the_session_and_get_the_sequential_results()
    {
        var texts = Fixtures.ReferenceCases.Select(c => c.Text).ToArray();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var callers = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            await start.Task;
            var mine = texts.Skip(i % texts.Length).Concat(texts.Take(i % texts.Length)).ToArray();
            return (mine, await _generator.GenerateAsync(mine));
        })).ToList();
        start.SetResult();
        var results = await Task.WhenAll(callers);

        foreach (var (mine, embeddings) in results)
        {
            for (var i = 0; i < mine.Length; i++)
            {
                var reference = Fixtures.ReferenceCases.Single(c => c.Text == mine[i]);
                VectorAssert.Close(reference.Embedding, embeddings[i].Vector.Span, Tolerance);
            }
        }
    }

    [Fact]
    public async Task An_empty_batch_is_refused_with_a_clear_message()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _generator.GenerateAsync([]));

        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_null_text_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _generator.GenerateAsync(["a", null!]));
    }

    [Fact]
    public async Task A_request_for_another_model_or_size_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _generator.GenerateAsync(["a"], new EmbeddingGenerationOptions { ModelId = "other" }));
        await Assert.ThrowsAsync<ArgumentException>(() => _generator.GenerateAsync(["a"], new EmbeddingGenerationOptions { Dimensions = 384 }));
        var same = await _generator.GenerateAsync(["a"], new EmbeddingGenerationOptions { ModelId = "TINY-BERT-ST", Dimensions = 32 });
        Assert.Single(same);
    }

    [Fact]
    public async Task A_cancelled_request_throws_OperationCanceledException()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _generator.GenerateAsync(["a"], cancellationToken: cancellation.Token));
    }

    [Fact]
    public void Metadata_declares_the_model_name_and_dimensions()
    {
        var metadata = _generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("onnx", metadata.ProviderName);
        Assert.Equal("tiny-bert-st", metadata.DefaultModelId);
        Assert.Equal(32, metadata.DefaultModelDimensions);
        Assert.Equal(new EmbeddingModelIdentity("tiny-bert-st", 32), EmbeddingModelIdentity.FromGenerator(_generator));
    }

    [Fact]
    public async Task Metadata_declares_the_model_before_loading_and_its_size_once_loaded()
    {
        using var generator = new OnnxEmbeddingGenerator(new OnnxBackendOptions { ModelPath = Fixtures.TinyBert });

        var before = generator.GetService<EmbeddingGeneratorMetadata>()!;
        Assert.False(generator.IsLoaded);
        await generator.GenerateAsync(["a"]);
        var after = generator.GetService<EmbeddingGeneratorMetadata>()!;

        Assert.Equal("tiny-bert-st", before.DefaultModelId);
        Assert.Null(before.DefaultModelDimensions);
        Assert.Equal(32, after.DefaultModelDimensions);
        Assert.Same(after, generator.GetService<EmbeddingGeneratorMetadata>());
    }

    [Fact]
    public async Task Cls_pooling_from_the_options_gives_the_normalised_first_token_vector()
    {
        using var cls = new OnnxEmbeddingGenerator(new OnnxBackendOptions { ModelPath = Fixtures.TinyBert, Pooling = OnnxPoolingMode.Cls });
        using var raw = new OnnxEmbeddingGenerator(new OnnxBackendOptions { ModelPath = Fixtures.TinyBert, Pooling = OnnxPoolingMode.Cls, Normalize = false });

        var normalized = await cls.GenerateAsync(["Hello world"]);
        var unnormalized = await raw.GenerateAsync(["Hello world"]);
        var mean = await _generator.GenerateAsync(["Hello world"]);

        var expected = unnormalized[0].Vector.ToArray();
        Assert.NotInRange(TensorPrimitives.Norm(expected), 0.99f, 1.01f);
        TensorPrimitives.Divide(expected, TensorPrimitives.Norm(expected), expected);
        VectorAssert.Close(expected, normalized[0].Vector.Span, 1e-6f);
        Assert.True(TensorPrimitives.CosineSimilarity(mean[0].Vector.Span, normalized[0].Vector.Span) < 0.9999f);
    }

    [Fact]
    public async Task Sub_batches_smaller_than_the_batch_give_the_same_vectors()
    {
        using var small = new OnnxEmbeddingGenerator(new OnnxBackendOptions { ModelPath = Fixtures.TinyBert, MaxBatchSize = 2, IntraOpNumThreads = 1 });
        var cases = Fixtures.ReferenceCases;

        var result = await small.GenerateAsync(cases.Select(c => c.Text));

        for (var i = 0; i < cases.Count; i++)
        {
            VectorAssert.Close(cases[i].Embedding, result[i].Vector.Span, Tolerance);
        }
    }

    [Fact]
    public async Task A_lower_maximum_length_from_the_options_truncates_more()
    {
        using var shorter = new OnnxEmbeddingGenerator(new OnnxBackendOptions { ModelPath = Fixtures.TinyBert, MaxSequenceLength = 4 });

        var result = await shorter.GenerateAsync(["The quick brown fox jumps over the lazy dog."]);

        Assert.Equal(1, result.AdditionalProperties![OnnxEmbeddingGenerator.TruncatedCountKey]);
        Assert.Equal(4, result.Usage!.InputTokenCount);
    }
}
