namespace LocalAI.AspNetCore;

/// <summary>One model a backend lists, as the management endpoints report it.</summary>
/// <param name="Id">The model id, as the backend names it.</param>
/// <param name="BackendId">The backend that lists it.</param>
/// <param name="IsInstalled">Whether the model is installed locally.</param>
/// <param name="IsLoaded">Whether the model is loaded in memory now.</param>
/// <param name="SizeBytes">The size on disk, when known.</param>
/// <param name="Family">The model family or architecture, when known.</param>
/// <param name="ParameterSize">The parameter size as the backend reports it, when known.</param>
/// <param name="Quantization">The quantization, when known.</param>
/// <param name="ContextLength">The context length in tokens, when known.</param>
/// <param name="EmbeddingDimensions">The embedding dimensions of an embedding model, when known.</param>
/// <param name="Capabilities">What the model is for, as lower-case names.</param>
public sealed record ModelView(
    string Id,
    string BackendId,
    bool IsInstalled,
    bool IsLoaded,
    long? SizeBytes,
    string? Family,
    string? ParameterSize,
    string? Quantization,
    int? ContextLength,
    int? EmbeddingDimensions,
    IReadOnlyList<string> Capabilities);
