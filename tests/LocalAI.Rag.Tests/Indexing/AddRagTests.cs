using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LocalAI.Rag.Tests;

public sealed class AddRagTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AddRag_binds_the_Rag_section_and_serves_an_index_over_the_registered_generator()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rag:StorePath"] = _dir.File("di.ragstore"),
            ["Rag:ChunkSize"] = "64",
            ["Rag:ChunkOverlap"] = "8",
            ["Rag:TokenizerVocabularyPath"] = TinyBertModel.VocabularyPath,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new HashingEmbeddingGenerator());
        services.AddLocalAI(configuration, b => b.AddRag());
        await using var provider = services.BuildServiceProvider();

        var index = provider.GetRequiredService<RagIndex>();
        await index.IndexDocumentAsync("doc", string.Join(' ', Enumerable.Repeat("retrieval augmented generation", 60)));

        var store = Assert.IsType<FileVectorStore>(provider.GetRequiredService<IVectorStore>());
        Assert.Equal(Path.GetFullPath(_dir.File("di.ragstore")), store.FilePath);
        Assert.IsType<BertTokenCounter>(index.TokenCounter);
        var chunks = await store.GetDocumentAsync("doc");
        Assert.True(chunks.Count > 1);
        Assert.All(chunks, c => Assert.InRange(c.TokenCount, 1, 64));
        Assert.NotEmpty(await index.SearchAsync("generation"));
    }

    [Fact]
    public void A_Postgres_store_without_a_connection_string_fails_validation()
    {
        var services = new ServiceCollection();
        services.AddLocalAI(b => b.AddRag(o => o.Store = RagStoreKind.Postgres));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RagOptions>>().Value);
        Assert.Contains("LocalAI:Rag:ConnectionString is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_range_settings_fail_validation_with_their_configuration_keys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rag:ChunkSize"] = "4",
            ["Rag:MaxConcurrency"] = "0",
        }).Build();
        var services = new ServiceCollection();
        services.AddLocalAI(configuration, b => b.AddRag(o => o.EmbeddingBatchSize = 0));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RagOptions>>().Value);

        Assert.Contains(error.Failures, f => f.StartsWith("LocalAI:Rag:ChunkSize is 4;", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("LocalAI:Rag:MaxConcurrency is 0;", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("LocalAI:Rag:EmbeddingBatchSize is 0;", StringComparison.Ordinal));
    }
}
