namespace LocalAI.Rag.Tests;

/// <summary>Runs with the default BERT counter and with Microsoft.ML.Tokenizers' counter: the chunker's rules hold for either.</summary>
public abstract class MarkdownChunkerTests(ITokenCounter bert)
{
    private ITokenCounter Bert { get; } = bert;

    [Fact]
    public void Each_chunk_keeps_its_heading_path_as_context()
    {
        const string markdown = """
            # Guide
            Intro text about the guide.

            ## Install
            Install with the package manager.

            ### Linux
            Use apt on Debian.

            ```bash
            # not a heading, a shell comment
            apt-get install thing
            ```

            ## Usage
            Call the API.
            """;
        var chunker = new MarkdownChunker(Bert, new ChunkingOptions { ChunkSize = 64, ChunkOverlap = 0 });

        var chunks = chunker.Chunk("guide.md", markdown);

        Assert.Equal(["Guide", "Guide > Install", "Guide > Install > Linux", "Guide > Usage"], chunks.Select(c => c.Context));
        Assert.Contains("# not a heading", chunks[2].Text, StringComparison.Ordinal);
        Assert.StartsWith("Guide > Install > Linux\n\nUse apt", chunks[2].EmbeddingText, StringComparison.Ordinal);
        Assert.Equal([0, 1, 2, 3], chunks.Select(c => c.Index));
    }

    [Fact]
    public void The_heading_path_counts_against_the_chunk_size()
    {
        var body = string.Join(' ', Enumerable.Range(0, 400).Select(i => $"word{i % 7}"));
        var markdown = $"# A rather long top level heading\n## And a second level heading below it\n{body}\n";
        var chunker = new MarkdownChunker(Bert, new ChunkingOptions { ChunkSize = 40, ChunkOverlap = 0 });

        var chunks = chunker.Chunk("doc", markdown);

        Assert.True(chunks.Count > 5);
        Assert.All(chunks, c =>
        {
            Assert.Equal("A rather long top level heading > And a second level heading below it", c.Context);
            Assert.InRange(Bert.CountTokens(c.EmbeddingText), 1, 40);
        });
    }
}

public sealed class MarkdownChunkerTestsWithBertTokenCounter() : MarkdownChunkerTests(BertTokenCounter.FromVocabulary(TinyBertModel.VocabularyPath));

public sealed class MarkdownChunkerTestsWithMicrosoftTokenizer() : MarkdownChunkerTests(TokenizerTokenCounter.FromBertVocabulary(TinyBertModel.VocabularyPath));
