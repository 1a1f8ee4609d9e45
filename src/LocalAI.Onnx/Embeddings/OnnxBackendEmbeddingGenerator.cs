using Microsoft.Extensions.AI;

namespace LocalAI.Onnx;

/// <summary>The generator handed out by <see cref="OnnxBackend.GetEmbeddingGenerator"/>: a view on the backend's loaded model, so disposing it leaves the model serving every other caller.</summary>
internal sealed class OnnxBackendEmbeddingGenerator(OnnxEmbeddingGenerator owner) : DelegatingEmbeddingGenerator<string, Embedding<float>>(owner)
{
    /// <summary>Gets the generator that owns the model; the backend disposes it.</summary>
    public OnnxEmbeddingGenerator Owner { get; } = owner;

    protected override void Dispose(bool disposing)
    {
        // The backend owns the model; it is freed when the backend is disposed.
    }
}
