using System.Text;
using System.Text.RegularExpressions;

namespace LocalAI.Rag;

/// <summary>Splits Markdown by headings and chunks each section with a <see cref="RecursiveTextChunker"/>, keeping the section's heading path (<c>Guide &gt; Install &gt; Linux</c>) as every chunk's context.</summary>
public sealed partial class MarkdownChunker : IChunker
{
    private readonly RecursiveTextChunker _inner;

    /// <summary>Initializes a new instance of the <see cref="MarkdownChunker"/> class.</summary>
    /// <param name="counter">Counts tokens the way the embedding model does.</param>
    /// <param name="options">Chunk size and overlap; the heading path counts against the size.</param>
    public MarkdownChunker(ITokenCounter counter, ChunkingOptions? options = null)
    {
        _inner = new RecursiveTextChunker(counter, options);
    }

    /// <inheritdoc/>
    public IReadOnlyList<TextChunk> Chunk(string documentId, string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        ArgumentNullException.ThrowIfNull(text);
        var chunks = new List<TextChunk>();
        var headings = new List<(int Level, string Title)>();
        var body = new StringBuilder();
        var inFence = false;
        string? sectionPath = null;

        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal) || line.TrimStart().StartsWith("~~~", StringComparison.Ordinal))
            {
                inFence = !inFence;
            }

            var match = inFence ? Match.Empty : Heading().Match(line);
            if (match.Success)
            {
                _inner.AppendChunks(chunks, documentId, body.ToString(), sectionPath);
                body.Clear();
                var level = match.Groups[1].Length;
                headings.RemoveAll(h => h.Level >= level);
                headings.Add((level, match.Groups[2].Value.Trim().TrimEnd('#').Trim()));
                sectionPath = string.Join(" > ", headings.Select(h => h.Title));
                continue;
            }

            body.Append(line).Append('\n');
        }

        _inner.AppendChunks(chunks, documentId, body.ToString(), sectionPath);
        return chunks;
    }

    [GeneratedRegex(@"^ {0,3}(#{1,6})\s+(.+)$")]
    private static partial Regex Heading();
}
