using System.Collections.Immutable;

namespace LocalAI.Rag;

/// <summary>An immutable state of the embedded store; readers hold one while writers publish the next.</summary>
internal sealed class StoreSnapshot
{
    private readonly Lazy<FlatIndex> _index;
    private readonly Lazy<Bm25Index> _keywords;

    public StoreSnapshot(EmbeddingModelIdentity? model, ImmutableDictionary<string, DocumentRecords> documents, long chunkCount, bool int8)
    {
        Model = model;
        Documents = documents;
        ChunkCount = chunkCount;
        _index = new Lazy<FlatIndex>(() => FlatIndex.Build(
            [.. documents.Values.OrderBy(d => d.DocumentId, StringComparer.Ordinal).SelectMany(d => d.Records)],
            model?.Dimensions ?? 0,
            int8));
        _keywords = new Lazy<Bm25Index>(() => new Bm25Index(
            [.. Index.Rows.Select(r => r.Context is null ? r.Text : r.Context + "\n" + r.Text)]));
    }

    public static StoreSnapshot Empty(bool int8) => new(null, ImmutableDictionary.Create<string, DocumentRecords>(StringComparer.Ordinal), 0, int8);

    public EmbeddingModelIdentity? Model { get; }

    public ImmutableDictionary<string, DocumentRecords> Documents { get; }

    public long ChunkCount { get; }

    public FlatIndex Index => _index.Value;

    public Bm25Index Keywords => _keywords.Value;
}
