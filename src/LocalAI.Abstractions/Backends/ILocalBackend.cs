using Microsoft.Extensions.AI;

namespace LocalAI;

/// <summary>A local inference backend (an Ollama server, llama.cpp in-process, an MLX sidecar, ONNX Runtime) behind one contract.</summary>
/// <remarks>
/// What <see cref="GetChatClient"/> and <see cref="GetEmbeddingGenerator"/> return are plain Microsoft.Extensions.AI
/// clients, so every middleware of that library composes with them.
/// </remarks>
public interface ILocalBackend : IAsyncDisposable
{
    /// <summary>Gets the stable identifier of this backend (for example <c>ollama</c> or <c>gguf</c>).</summary>
    string Id { get; }

    /// <summary>Gets what this backend can do.</summary>
    BackendCapabilities Capabilities { get; }

    /// <summary>Probes the backend and reports whether it can serve requests now.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The status observed by this probe; a failed probe is reported as an unavailable status, not thrown.</returns>
    Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Lists the models this backend knows about.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The models, installed or available to download.</returns>
    /// <exception cref="BackendUnavailableException">The backend cannot be reached.</exception>
    Task<IReadOnlyList<LocalModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default);

    /// <summary>Downloads (pulls) a model so that it can be served locally.</summary>
    /// <param name="model">The model identifier, as the backend names it.</param>
    /// <param name="progress">Receives progress reports; the overall percentage only moves forward.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests; cancelling stops the download.</param>
    /// <returns>A task that completes when the model is installed.</returns>
    /// <exception cref="NotSupportedException">The backend does not have <see cref="BackendCapabilities.ModelDownload"/>.</exception>
    /// <exception cref="ModelNotFoundException">No model of that name exists.</exception>
    Task DownloadModelAsync(string model, IProgress<ModelDownloadProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Gets a chat client served by this backend.</summary>
    /// <param name="model">The default model for requests that do not name one in <see cref="ChatOptions.ModelId"/>; <see langword="null"/> for the backend's default.</param>
    /// <returns>A chat client; requests that name a model in <see cref="ChatOptions.ModelId"/> use that model.</returns>
    /// <exception cref="NotSupportedException">The backend does not have <see cref="BackendCapabilities.Chat"/>.</exception>
    IChatClient GetChatClient(string? model = null);

    /// <summary>Gets an embedding generator served by this backend.</summary>
    /// <param name="model">The embedding model; <see langword="null"/> for the backend's default.</param>
    /// <returns>A generator whose <see cref="EmbeddingGeneratorMetadata"/> names the model and its dimensions.</returns>
    /// <exception cref="NotSupportedException">The backend does not have <see cref="BackendCapabilities.Embeddings"/>.</exception>
    IEmbeddingGenerator<string, Embedding<float>> GetEmbeddingGenerator(string? model = null);
}
