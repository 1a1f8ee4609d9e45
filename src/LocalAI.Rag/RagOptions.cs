namespace LocalAI.Rag;

/// <summary>Settings of <c>AddRag()</c>, bound from the <c>LocalAI:Rag</c> configuration section.</summary>
public sealed class RagOptions
{
    /// <summary>The configuration section, under <c>LocalAI</c>, these options bind from.</summary>
    public const string SectionName = "Rag";

    /// <summary>Gets or sets the vector store.</summary>
    /// <value>The default value is <see cref="RagStoreKind.Embedded"/>.</value>
    public RagStoreKind Store { get; set; } = RagStoreKind.Embedded;

    /// <summary>Gets or sets the embedded store's file.</summary>
    /// <value>The default value is <c>localai-rag/default.ragstore</c>.</value>
    public string StorePath { get; set; } = Path.Combine("localai-rag", "default.ragstore");

    /// <summary>Gets or sets a value indicating whether the embedded store searches int8 copies first and re-scores exactly.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool UseInt8 { get; set; }

    /// <summary>Gets or sets the PostgreSQL connection string (for <see cref="RagStoreKind.Postgres"/>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets the PostgreSQL collection name.</summary>
    /// <value>The default value is <c>default</c>.</value>
    public string CollectionName { get; set; } = "default";

    /// <summary>Gets or sets the chunk size in tokens.</summary>
    /// <value>The default value is 256.</value>
    public int ChunkSize { get; set; } = 256;

    /// <summary>Gets or sets the chunk overlap in tokens.</summary>
    /// <value>The default value is 32.</value>
    public int ChunkOverlap { get; set; } = 32;

    /// <summary>Gets or sets how many chunks go to the embedding generator in one call.</summary>
    /// <value>The default value is 32.</value>
    public int EmbeddingBatchSize { get; set; } = 32;

    /// <summary>Gets or sets how many embedding calls may run at once.</summary>
    /// <value>The default value is 2.</value>
    public int MaxConcurrency { get; set; } = 2;

    /// <summary>Gets or sets the embedding model's maximum input in tokens, when the generator does not declare it.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? MaxInputTokens { get; set; }

    /// <summary>Gets or sets the path of the embedding model's BERT <c>vocab.txt</c>, so chunks are measured in its tokens; when <see langword="null"/>, the <c>cl100k_base</c> Tiktoken vocabulary is used.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? TokenizerVocabularyPath { get; set; }
}
