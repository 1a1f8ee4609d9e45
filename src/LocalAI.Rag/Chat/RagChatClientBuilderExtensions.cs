using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.AI;

/// <summary>Adds retrieval-augmented generation to a chat pipeline: <c>chatClient.AsBuilder().UseRag(index).Build()</c>.</summary>
public static class RagChatClientBuilderExtensions
{
    /// <summary>Adds a <see cref="LocalAI.Rag.RagChatClient"/> that retrieves from <paramref name="index"/>.</summary>
    /// <param name="builder">The chat client builder.</param>
    /// <param name="index">The index to retrieve from.</param>
    /// <param name="options">Retrieval and context settings.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseRag(this ChatClientBuilder builder, LocalAI.Rag.RagIndex index, LocalAI.Rag.RagChatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(index);
        return builder.Use((inner, services) => new LocalAI.Rag.RagChatClient(inner, index, options, services.GetService<ILogger<LocalAI.Rag.RagChatClient>>()));
    }

    /// <summary>Adds a <see cref="LocalAI.Rag.RagChatClient"/> over the <see cref="LocalAI.Rag.RagIndex"/> registered by <c>AddRag()</c>.</summary>
    /// <param name="builder">The chat client builder.</param>
    /// <param name="options">Retrieval and context settings.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseRag(this ChatClientBuilder builder, LocalAI.Rag.RagChatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => new LocalAI.Rag.RagChatClient(
            inner,
            services.GetRequiredService<LocalAI.Rag.RagIndex>(),
            options,
            services.GetService<ILogger<LocalAI.Rag.RagChatClient>>()));
    }
}
