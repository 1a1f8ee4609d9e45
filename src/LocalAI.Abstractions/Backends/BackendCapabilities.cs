namespace LocalAI;

/// <summary>What a backend can do.</summary>
[Flags]
public enum BackendCapabilities
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Chat completion through <see cref="Microsoft.Extensions.AI.IChatClient"/>.</summary>
    Chat = 1 << 0,

    /// <summary>Text embeddings through <see cref="Microsoft.Extensions.AI.IEmbeddingGenerator{TInput, TEmbedding}"/>.</summary>
    Embeddings = 1 << 1,

    /// <summary>Images in chat messages (<see cref="Microsoft.Extensions.AI.DataContent"/>).</summary>
    Vision = 1 << 2,

    /// <summary>Models can be downloaded through <see cref="ILocalBackend.DownloadModelAsync"/>.</summary>
    ModelDownload = 1 << 3,

    /// <summary>JSON output is enforced for <see cref="Microsoft.Extensions.AI.ChatResponseFormat.Json"/>.</summary>
    JsonOutput = 1 << 4,

    /// <summary>Chat responses can be streamed update by update.</summary>
    Streaming = 1 << 5,
}
