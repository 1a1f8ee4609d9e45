using Microsoft.Extensions.AI;

namespace LocalAI.Samples.Rag;

/// <summary>The one place where the sample chooses its embedding backend.</summary>
internal static class EmbeddingSetup
{
    /// <summary>Registers the embedding backends the sample may use; the router picks the first available one.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    public static void AddEmbeddingBackends(ILocalAIBuilder builder)
    {
        // Register an embedding backend here, for example (once its package is referenced):
        //   builder.AddOnnxEmbeddings(o => o.ModelPath = "models/all-MiniLM-L6-v2");
        // or configure one under "LocalAI" in appsettings.json.
        _ = builder;
    }

    /// <summary>The embedder used when no backend with embeddings is available: lexical feature hashing, for a demonstration only.</summary>
    /// <returns>The demonstration embedder.</returns>
    public static IEmbeddingGenerator<string, Embedding<float>> CreateDemoEmbedder() => new LexicalHashEmbeddingGenerator();
}
