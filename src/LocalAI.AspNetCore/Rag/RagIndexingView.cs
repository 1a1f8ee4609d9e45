namespace LocalAI.AspNetCore;

/// <summary>Progress or the outcome of <c>POST /api/rag/documents</c>: the body of a <c>progress</c> or <c>done</c> event, or the JSON answer.</summary>
/// <param name="Documents">Documents indexed so far (at the end: all of them).</param>
/// <param name="DocumentsTotal">Documents in the request.</param>
/// <param name="Chunks">Chunks written.</param>
/// <param name="ChunksEmbedded">Chunks embedded (new or changed).</param>
/// <param name="ChunksReused">Chunks whose vectors were kept because their text had not changed; <see langword="null"/> in progress events.</param>
/// <param name="Tokens">Tokens embedded.</param>
/// <param name="ElapsedMs">Time since indexing started, in milliseconds.</param>
internal sealed record RagIndexingView(int Documents, int DocumentsTotal, long Chunks, long ChunksEmbedded, long? ChunksReused, long Tokens, double ElapsedMs)
{
    public static RagIndexingView From(LocalAI.Rag.IndexingProgress progress) => new(
        progress.DocumentsIndexed, progress.DocumentsTotal, progress.ChunksIndexed, progress.ChunksEmbedded, null, progress.Tokens, Math.Round(progress.Elapsed.TotalMilliseconds, 3));

    public static RagIndexingView From(LocalAI.Rag.IndexingResult result, int total) => new(
        result.Documents, total, result.Chunks, result.ChunksEmbedded, result.ChunksReused, result.Tokens, Math.Round(result.Elapsed.TotalMilliseconds, 3));
}
