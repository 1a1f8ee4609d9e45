namespace LocalAI.Mlx;

/// <summary>How embedding vectors travel from the sidecar to the client.</summary>
public enum MlxEmbeddingEncoding
{
    /// <summary>All vectors of a batch as one base64 block of little-endian float32 values: no float-to-text cost.</summary>
    Base64,

    /// <summary>JSON arrays of numbers, as the original protocol sent them.</summary>
    Json,
}
