using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI;

/// <summary>The builders of the default <see cref="IChatClient"/> and <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> pipelines, with the router at their core; one per service collection.</summary>
internal sealed class LocalAIPipelines
{
    public ChatClientBuilder Chat { get; } = new(static sp => sp.GetRequiredService<FallbackChatClient>());

    public EmbeddingGeneratorBuilder<string, Embedding<float>> Embeddings { get; } = new(static sp => sp.GetRequiredService<FallbackEmbeddingGenerator>());

    /// <summary>Finds the pipelines <c>AddLocalAI</c> registered in <paramref name="services"/>.</summary>
    /// <exception cref="InvalidOperationException"><c>AddLocalAI</c> was not called on this service collection.</exception>
    public static LocalAIPipelines From(IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(LocalAIPipelines) && descriptor.ImplementationInstance is LocalAIPipelines pipelines)
            {
                return pipelines;
            }
        }

        throw new InvalidOperationException("Call services.AddLocalAI(...) before composing its chat or embedding pipeline.");
    }
}
