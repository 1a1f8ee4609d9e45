using Microsoft.Extensions.AI;

namespace LocalAI.Ollama;

/// <summary>Makes sure the embedded server runs before each request.</summary>
internal sealed class ServerStartingEmbeddingGenerator(OllamaServerProcess server, IEmbeddingGenerator<string, Embedding<float>> inner)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        return await base.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
    }
}
