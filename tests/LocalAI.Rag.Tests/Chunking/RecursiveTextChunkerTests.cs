namespace LocalAI.Rag.Tests;

/// <summary>Runs with the default BERT counter and with Microsoft.ML.Tokenizers' counter: the chunker's rules hold for either.</summary>
public abstract class RecursiveTextChunkerTests(ITokenCounter bert)
{
    private ITokenCounter Bert { get; } = bert;

    internal static string SampleText(int paragraphs, int seed = 7)
    {
        var random = new Random(seed);
        string[] words = ["vector", "search", "embedding", "index", "chunk", "token", "model", "store", "query", "answer", "retrieval", "context", "document", "similarity", "cosine", "unbelievable", "transformer", "postgres"];
        var text = new System.Text.StringBuilder();
        for (var p = 0; p < paragraphs; p++)
        {
            var sentences = random.Next(2, 7);
            for (var s = 0; s < sentences; s++)
            {
                var length = random.Next(4, 22);
                var sentence = string.Join(' ', Enumerable.Range(0, length).Select(_ => words[random.Next(words.Length)]));
                text.Append(char.ToUpperInvariant(sentence[0])).Append(sentence[1..]).Append(random.Next(3) == 0 ? "? " : ". ");
            }

            text.Append("\n\n");
        }

        return text.ToString();
    }

    [Fact]
    public void Chunks_never_exceed_the_size_in_real_tokenizer_tokens()
    {
        var chunker = new RecursiveTextChunker(Bert, new ChunkingOptions { ChunkSize = 48, ChunkOverlap = 12 });

        var chunks = chunker.Chunk("doc", SampleText(40));

        Assert.True(chunks.Count > 10);
        Assert.All(chunks, c =>
        {
            Assert.Equal(Bert.CountTokens(c.EmbeddingText), c.TokenCount);
            Assert.InRange(c.TokenCount, 1, 48);
        });
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Index));
    }

    [Fact]
    public void Consecutive_chunks_overlap_by_at_most_the_overlap_in_tokens()
    {
        var chunker = new RecursiveTextChunker(Bert, new ChunkingOptions { ChunkSize = 40, ChunkOverlap = 10 });
        // One long paragraph of short sentences: pieces are small, so overlap is carried between most chunks.
        var text = string.Join(' ', Enumerable.Range(0, 120).Select(i => $"Sentence number {i} ends here."));

        var chunks = chunker.Chunk("doc", text);

        var overlapping = 0;
        for (var i = 1; i < chunks.Count; i++)
        {
            var overlap = SharedBoundary(chunks[i - 1].Text, chunks[i].Text);
            var tokens = overlap.Length == 0 ? 0 : Bert.CountTokens(overlap);
            Assert.InRange(tokens, 0, 10);
            if (tokens > 0)
            {
                overlapping++;
            }
        }

        Assert.True(overlapping >= chunks.Count - 2, $"only {overlapping} of {chunks.Count - 1} boundaries overlap");
    }

    [Fact]
    public void Without_overlap_the_chunks_hold_every_word_once_in_order()
    {
        var chunker = new RecursiveTextChunker(Bert, new ChunkingOptions { ChunkSize = 32, ChunkOverlap = 0 });
        var text = SampleText(25, seed: 3);

        var chunks = chunker.Chunk("doc", text);

        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var rejoined = chunks.SelectMany(c => c.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(words, rejoined);
    }

    [Fact]
    public void A_word_longer_than_a_chunk_is_cut_by_characters()
    {
        var chunker = new RecursiveTextChunker(Bert, new ChunkingOptions { ChunkSize = 16, ChunkOverlap = 0 });
        // Under WordPiece's 100-character limit (a longer word would be one [UNK] token), but many pieces long.
        var text = "start " + string.Concat(Enumerable.Repeat("qzxjvkw", 13)) + " end";

        var chunks = chunker.Chunk("doc", text);

        Assert.True(chunks.Count > 2);
        Assert.All(chunks, c => Assert.InRange(Bert.CountTokens(c.EmbeddingText), 1, 16));
        Assert.Equal(text.Replace(" ", string.Empty, StringComparison.Ordinal), string.Concat(chunks.Select(c => c.Text.Replace(" ", string.Empty, StringComparison.Ordinal))));
    }

    [Fact]
    public void Ids_are_stable_and_follow_document_position_and_content()
    {
        var chunker = new RecursiveTextChunker(Bert, new ChunkingOptions { ChunkSize = 40, ChunkOverlap = 0 });
        var text = SampleText(12, seed: 11);

        var first = chunker.Chunk("guide.md", text);
        var second = chunker.Chunk("guide.md", text);
        var edited = chunker.Chunk("guide.md", text + "A new closing paragraph about cosine similarity.");

        Assert.Equal(first.Select(c => c.Id), second.Select(c => c.Id));
        Assert.All(first, c => Assert.StartsWith($"guide.md:{c.Index}:{c.ContentHash[..16]}", c.Id, StringComparison.Ordinal));
        Assert.Equal(first.Count, first.Select(c => c.Id).Distinct().Count());
        // Only the tail changes: every chunk before the last one keeps its id.
        Assert.Equal(first.Take(first.Count - 1).Select(c => c.Id), edited.Take(first.Count - 1).Select(c => c.Id));
        Assert.NotEqual(first[^1].Id, edited[^1].Id);
    }

    [Fact]
    public void Options_out_of_range_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecursiveTextChunker(Bert, new ChunkingOptions { ChunkSize = 4 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecursiveTextChunker(Bert, new ChunkingOptions { ChunkSize = 64, ChunkOverlap = 40 }));
    }

    private static string SharedBoundary(string previous, string next)
    {
        for (var length = Math.Min(previous.Length, next.Length); length > 0; length--)
        {
            if (previous.EndsWith(next[..length], StringComparison.Ordinal))
            {
                return next[..length];
            }
        }

        return string.Empty;
    }
}

public sealed class RecursiveTextChunkerTestsWithBertTokenCounter() : RecursiveTextChunkerTests(BertTokenCounter.FromVocabulary(TinyBertModel.VocabularyPath));

public sealed class RecursiveTextChunkerTestsWithMicrosoftTokenizer() : RecursiveTextChunkerTests(TokenizerTokenCounter.FromBertVocabulary(TinyBertModel.VocabularyPath));
