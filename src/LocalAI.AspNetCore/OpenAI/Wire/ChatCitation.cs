using LocalAI.Rag;
using Microsoft.Extensions.AI;

namespace LocalAI.AspNetCore;

/// <summary>One passage a RAG answer was given (<c>localai_citations</c>), numbered as the answer cites it (<c>[1]</c>).</summary>
/// <param name="Number">The citation number, from 1.</param>
/// <param name="Source">The id of the document the passage comes from.</param>
/// <param name="Id">The chunk's id.</param>
/// <param name="Score">The search score.</param>
/// <param name="Text">The passage text.</param>
/// <param name="Context">Where the passage sits in its document (a Markdown heading path), when known.</param>
/// <param name="Metadata">The document's metadata.</param>
internal sealed record ChatCitation(int Number, string Source, string Id, double Score, string Text, string? Context, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The citations a <see cref="RagChatClient"/> put in a response's or its first update's properties, or <see langword="null"/>.</summary>
    public static List<ChatCitation>? From(AdditionalPropertiesDictionary? properties) =>
        properties?.TryGetValue(RagChatOptions.CitationsKey, out var value) == true && value is IReadOnlyList<RagCitation> citations
            ? citations.Select(c => new ChatCitation(c.Number, c.DocumentId, c.ChunkId, c.Score, c.Text, c.Context, c.Metadata)).ToList()
            : null;
}
