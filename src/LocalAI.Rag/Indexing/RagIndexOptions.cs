namespace LocalAI.Rag;

/// <summary>Settings of a <see cref="RagIndex"/>: chunking, embedding batches and concurrency.</summary>
public sealed class RagIndexOptions
{
    /// <summary>Gets or sets the chunk size and overlap, in tokens.</summary>
    /// <value>The default value is 256 tokens with 32 of overlap.</value>
    public ChunkingOptions Chunking { get; set; } = new();

    /// <summary>Gets or sets how many chunks go to the embedding generator in one call.</summary>
    /// <value>The default value is 32.</value>
    public int EmbeddingBatchSize { get; set; } = 32;

    /// <summary>Gets or sets how many embedding calls may run at once.</summary>
    /// <value>The default value is 2.</value>
    public int MaxConcurrency { get; set; } = 2;

    /// <summary>Gets or sets the embedding model's maximum input in tokens; when <see langword="null"/>, the generator's <see cref="LocalModelInfo.ContextLength"/> is used if it declares one.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? MaxInputTokens { get; set; }

    /// <summary>Gets or sets how many finished documents at most are committed to the store in one write.</summary>
    /// <value>The default value is 256.</value>
    public int WriteBatchSize { get; set; } = 256;

    /// <summary>Gets or sets the file extensions the folder ingester reads (Markdown for <c>.md</c> and <c>.markdown</c>, plain text otherwise).</summary>
    /// <value>The default value is <c>.txt</c>, <c>.md</c>, <c>.markdown</c>.</value>
    public IList<string> FileExtensions { get; set; } = [".txt", ".md", ".markdown"];
}
