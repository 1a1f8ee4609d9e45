namespace LocalAI;

/// <summary>A model a backend can serve, with what is known about it.</summary>
/// <param name="Id">The model identifier, as the backend names it (for example <c>llama3.2:3b</c> or a file name).</param>
/// <param name="BackendId">The backend that lists the model.</param>
public sealed record LocalModelInfo(string Id, string BackendId)
{
    /// <summary>Gets the size on disk in bytes, when known.</summary>
    public long? SizeBytes { get; init; }

    /// <summary>Gets the model family or architecture (for example <c>llama</c> or <c>bert</c>), when known.</summary>
    public string? Family { get; init; }

    /// <summary>Gets the parameter size as the backend reports it (for example <c>3.2B</c>), when known.</summary>
    public string? ParameterSize { get; init; }

    /// <summary>Gets the quantization (for example <c>Q4_K_M</c>), when known.</summary>
    public string? Quantization { get; init; }

    /// <summary>Gets the context length in tokens, when known.</summary>
    public int? ContextLength { get; init; }

    /// <summary>Gets where <see cref="ContextLength"/> came from (for example the configuration file that declares it, or a default), when the backend says.</summary>
    public string? ContextLengthSource { get; init; }

    /// <summary>Gets the embedding dimensions for an embedding model, when known.</summary>
    public int? EmbeddingDimensions { get; init; }

    /// <summary>Gets a value indicating whether the model is installed locally (as opposed to available to download).</summary>
    public bool IsInstalled { get; init; } = true;

    /// <summary>Gets a value indicating whether the model is loaded in memory now.</summary>
    public bool IsLoaded { get; init; }

    /// <summary>Gets a one-line description of the model, when the backend's catalog has one.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the catalog's tags of the model (for example <c>multilingual</c> or <c>small</c>); empty when it has none.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Gets the role the catalog suggests for the model (for example <c>chairman</c> or <c>fast opinions</c> in a council), when it suggests one.</summary>
    public string? Role { get; init; }

    /// <summary>Gets what the model is for.</summary>
    public BackendCapabilities Capabilities { get; init; }
}
