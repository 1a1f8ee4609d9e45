namespace LocalAI;

/// <summary>A model a backend can install, as its catalog describes it; bindable from configuration (<c>LocalAI:&lt;id&gt;:Catalog:Entries</c>).</summary>
public sealed class ModelCatalogEntry
{
    /// <summary>Gets or sets the name the model is listed and downloaded by (for example <c>qwen2.5:0.5b</c> or <c>all-MiniLM-L6-v2</c>).</summary>
    /// <value>The default value is an empty string; an entry needs an id.</value>
    public string Id { get; set; } = string.Empty;

    /// <summary>Gets or sets the kind of backend that serves the model: <c>ollama</c>, <c>gguf</c>, <c>onnx</c> or <c>mlx</c>.</summary>
    /// <value>The default value is <see langword="null"/>: in a backend's own configuration, that backend's kind.</value>
    public string? Backend { get; set; }

    /// <summary>Gets or sets a one-line description.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Description { get; set; }

    /// <summary>Gets or sets tags (for example <c>multilingual</c>).</summary>
    /// <value>The default value is an empty list.</value>
    public IList<string> Tags { get; set; } = [];

    /// <summary>Gets or sets the model family or architecture (for example <c>llama</c> or <c>bert</c>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Family { get; set; }

    /// <summary>Gets or sets the parameter size (for example <c>0.5B</c>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ParameterSize { get; set; }

    /// <summary>Gets or sets the quantisation (for example <c>Q4_K_M</c>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Quantization { get; set; }

    /// <summary>Gets or sets the context length in tokens.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? ContextLength { get; set; }

    /// <summary>Gets or sets the embedding dimensions; set for an embedding model, unset for a chat model.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? EmbeddingDimensions { get; set; }

    /// <summary>Gets or sets the role the model suits (for example <c>chairman</c>, <c>review</c>, <c>fast opinions</c>, <c>backup</c>, <c>embeddings</c>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Role { get; set; }

    /// <summary>Gets or sets the download size in bytes, as published; informative only.</summary>
    /// <value>The default value is <see langword="null"/>: the sum of the files' sizes that are known.</value>
    public long? SizeBytes { get; set; }

    /// <summary>Gets or sets the Hugging Face repository (<c>owner/name</c>) the files come from; unused by backends that pull by name (Ollama, MLX).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Repository { get; set; }

    /// <summary>Gets or sets the files of the model in <see cref="Repository"/>: one <c>.gguf</c> file, or the files of an ONNX model folder.</summary>
    /// <value>The default value is an empty list.</value>
    public IList<ModelCatalogFile> Files { get; set; } = [];

    /// <summary>Gets the capabilities of the model: embeddings when <see cref="EmbeddingDimensions"/> is set, else chat with streaming.</summary>
    public BackendCapabilities Capabilities =>
        EmbeddingDimensions is not null ? BackendCapabilities.Embeddings : BackendCapabilities.Chat | BackendCapabilities.Streaming;

    /// <summary>Describes the entry as a model a backend lists.</summary>
    /// <param name="backendId">The backend that lists it.</param>
    /// <param name="isInstalled">Whether it is installed.</param>
    /// <returns>The model's description; <see cref="LocalModelInfo.IsLoaded"/> is <see langword="false"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="backendId"/> is empty.</exception>
    public LocalModelInfo ToModelInfo(string backendId, bool isInstalled)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendId);
        long? files = Files.Any(f => f.SizeBytes is not null) ? Files.Sum(f => f.SizeBytes ?? 0) : null;
        return new LocalModelInfo(Id, backendId)
        {
            SizeBytes = SizeBytes ?? files,
            Family = Family,
            ParameterSize = ParameterSize,
            Quantization = Quantization,
            ContextLength = ContextLength,
            EmbeddingDimensions = EmbeddingDimensions,
            Description = Description,
            Tags = [.. Tags],
            Role = Role,
            IsInstalled = isInstalled,
            Capabilities = Capabilities,
        };
    }
}
