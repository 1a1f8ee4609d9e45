using LocalAI;
using LocalAI.Rag;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers LocalAI.Rag: <c>services.AddLocalAI(b => b.AddOnnxEmbeddings(...).AddRag())</c>.</summary>
public static class RagLocalAIBuilderExtensions
{
    /// <summary>Registers the token counter, the vector store (embedded by default) and the <see cref="RagIndex"/> over the registered embedding generator, with options bound from <c>LocalAI:Rag</c> (when <c>AddLocalAI</c> was given configuration), then changed by <paramref name="configure"/>, validated at start.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    /// <param name="configure">Changes the settings in code.</param>
    /// <returns>The builder, to keep composing.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ILocalAIBuilder AddRag(this ILocalAIBuilder builder, Action<RagOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<RagOptions>();
        if (builder.Configuration?.GetSection(RagOptions.SectionName) is { } section && section.Exists())
        {
            options.Bind(section);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RagOptions>, RagOptionsValidator>());
        services.TryAddSingleton<ITokenCounter>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<RagOptions>>().Value;
            return o.TokenizerVocabularyPath is { Length: > 0 } vocabulary
                ? BertTokenCounter.FromVocabulary(vocabulary)
                : TokenizerTokenCounter.CreateDefault();
        });
        services.TryAddSingleton<IVectorStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<RagOptions>>().Value;
            return o.Store == RagStoreKind.Postgres
                ? PostgresVectorStore.Create(o.ConnectionString!, new PostgresVectorStoreOptions { CollectionName = o.CollectionName })
                : new FileVectorStore(new FileVectorStoreOptions { Path = o.StorePath, UseInt8 = o.UseInt8 }, sp.GetService<ILogger<FileVectorStore>>());
        });
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<RagOptions>>().Value;
            return new RagIndex(
                sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
                sp.GetRequiredService<IVectorStore>(),
                sp.GetRequiredService<ITokenCounter>(),
                new RagIndexOptions
                {
                    Chunking = new ChunkingOptions { ChunkSize = o.ChunkSize, ChunkOverlap = o.ChunkOverlap },
                    EmbeddingBatchSize = o.EmbeddingBatchSize,
                    MaxConcurrency = o.MaxConcurrency,
                    MaxInputTokens = o.MaxInputTokens,
                },
                sp.GetService<ILogger<RagIndex>>());
        });
        return builder;
    }
}
