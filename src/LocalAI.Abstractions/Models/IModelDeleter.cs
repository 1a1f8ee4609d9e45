namespace LocalAI;

/// <summary>A backend that can delete installed models (an Ollama server, for instance); implemented next to <see cref="ILocalBackend"/>.</summary>
public interface IModelDeleter
{
    /// <summary>Deletes an installed model.</summary>
    /// <param name="model">The model identifier, as the backend names it.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the model is gone.</returns>
    /// <exception cref="ModelNotFoundException">The model is not installed.</exception>
    /// <exception cref="BackendUnavailableException">The backend cannot be reached.</exception>
    /// <exception cref="ModelInUseException">The model is loaded, so it is not deleted (the GGUF and ONNX backends).</exception>
    Task DeleteModelAsync(string model, CancellationToken cancellationToken = default);
}
