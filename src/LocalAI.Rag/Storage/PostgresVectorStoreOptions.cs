namespace LocalAI.Rag;

/// <summary>Settings of the <see cref="PostgresVectorStore"/>.</summary>
public sealed class PostgresVectorStoreOptions
{
    /// <summary>Gets or sets the collection name; its chunks live in table <c>localai_rag_&lt;name&gt;</c>. Lower-case letters, digits and underscores.</summary>
    /// <value>The default value is <c>default</c>.</value>
    public string CollectionName { get; set; } = "default";

    /// <summary>Gets or sets the HNSW <c>m</c> parameter (links per node).</summary>
    /// <value>The default value is 16.</value>
    public int HnswM { get; set; } = 16;

    /// <summary>Gets or sets the HNSW <c>ef_construction</c> parameter.</summary>
    /// <value>The default value is 64.</value>
    public int HnswEfConstruction { get; set; } = 64;

    /// <summary>Gets or sets <c>hnsw.ef_search</c> for queries (raised to the requested top-k when smaller).</summary>
    /// <value>The default value is 100.</value>
    public int HnswEfSearch { get; set; } = 100;

    /// <summary>Gets or sets a value indicating whether upserts use binary <c>COPY</c> (fast) instead of batched <c>INSERT</c>; PGlite, which cannot take <c>COPY FROM STDIN</c> over its socket, always gets <c>INSERT</c>.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UseBinaryCopy { get; set; } = true;
}
