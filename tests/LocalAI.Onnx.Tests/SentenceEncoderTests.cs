using LocalAI.Onnx.Tests.Support;

namespace LocalAI.Onnx.Tests;

public sealed class SentenceEncoderTests : IDisposable
{
    private readonly SentenceEncoder _encoder;

    public SentenceEncoderTests()
    {
        var options = new OnnxBackendOptions { ModelPath = Fixtures.TinyBert, MaxBatchSize = 3, IntraOpNumThreads = 1 };
        _encoder = SentenceEncoder.Load(SentenceEncoderConfigReader.Read(Fixtures.TinyBert, null, options), options);
    }

    public void Dispose() => _encoder.Dispose();

    [Fact]
    public void Sorted_sub_batches_hold_texts_of_similar_length_each_padded_to_its_own_longest()
    {
        string[] texts = ["one two three four five six seven eight", "a", "one two three", "b c", "one two three four five six", "d", "e f g h"];
        var batch = _encoder.Tokenize(texts);

        var plan = _encoder.PlanSubBatches(batch, sortByLength: true);

        Assert.All(plan, rows => Assert.InRange(rows.Length, 1, 3));
        Assert.Equal(Enumerable.Range(0, texts.Length), plan.SelectMany(rows => rows).Order());
        var lengths = plan.SelectMany(rows => rows).Select(row => batch.Ids[row].Length).ToArray();
        Assert.Equal(lengths.Order(), lengths);
        foreach (var rows in plan)
        {
            var inputs = _encoder.BuildInputs(batch.Ids, rows);
            Assert.Equal(rows.Max(row => batch.Ids[row].Length), inputs.SequenceLength);
            Assert.Equal(rows.Sum(row => batch.Ids[row].Length), inputs.AttentionMask!.Sum());
            Assert.All(inputs.TokenTypeIds!, id => Assert.Equal(0, id));
        }
    }

    [Fact]
    public void A_long_text_gets_a_sub_batch_of_its_own_rather_than_padding_short_ones()
    {
        string[] texts = [string.Join(' ', Enumerable.Repeat("word", 100)), "a", "b", "c"];
        var batch = _encoder.Tokenize(texts);

        var plan = _encoder.PlanSubBatches(batch, sortByLength: true);

        Assert.Equal([[1, 2, 3], [0]], plan.Select(rows => rows.Order().ToArray()));
    }

    [Fact]
    public void Texts_of_equal_length_fill_sub_batches_up_to_the_maximum()
    {
        var batch = _encoder.Tokenize([.. Enumerable.Repeat("the same text", 7)]);

        var plan = _encoder.PlanSubBatches(batch, sortByLength: true);

        Assert.Equal([1, 3, 3], plan.Select(rows => rows.Length).Order());
    }

    [Fact]
    public void Unsorted_sub_batches_keep_the_given_order()
    {
        var batch = _encoder.Tokenize(["a b c d e", "a", "a b", "a b c", "z"]);

        var plan = _encoder.PlanSubBatches(batch, sortByLength: false);

        Assert.Equal([[0, 1, 2], [3, 4]], plan);
    }

    [Fact]
    public void Embed_returns_vectors_in_the_order_given_whatever_the_sub_batching()
    {
        var cases = Fixtures.ReferenceCases;
        var batch = _encoder.Tokenize([.. cases.Select(c => c.Text)]);

        var sorted = _encoder.Embed(batch, sortByLength: true, CancellationToken.None);
        var unsorted = _encoder.Embed(batch, sortByLength: false, CancellationToken.None);

        for (var i = 0; i < cases.Count; i++)
        {
            VectorAssert.Close(cases[i].Embedding, sorted[i], 1e-5f);
            VectorAssert.Close(cases[i].Embedding, unsorted[i], 1e-5f);
        }

        Assert.True(_encoder.RunTicks > 0);
    }
}
