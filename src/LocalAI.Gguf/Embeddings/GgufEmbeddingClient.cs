using Microsoft.Extensions.AI;

namespace LocalAI.Gguf;

/// <summary>The generator handed out by <see cref="GgufBackend.GetEmbeddingGenerator"/>: a view on the shared model, so disposing it leaves the model loaded for every other caller.</summary>
internal sealed class GgufEmbeddingClient(GgufEmbeddingGenerator shared) : DelegatingEmbeddingGenerator<string, Embedding<float>>(shared)
{
    protected override void Dispose(bool disposing)
    {
        // The backend owns the model; it is freed when the backend is disposed.
    }
}
