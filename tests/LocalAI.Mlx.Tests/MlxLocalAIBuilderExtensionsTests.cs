using LocalAI.Testing.Mlx;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LocalAI.Mlx.Tests;

public sealed class MlxLocalAIBuilderExtensionsTests
{
    [Fact]
    public async Task AddMlx_binds_the_section_named_after_the_id_and_serves_through_the_router()
    {
        // Configuration keys are case-insensitive: "LocalAI:Mlx" is the section of the backend "mlx".
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LocalAI:Mlx:AllowNonApplePlatforms"] = "true",
            ["LocalAI:Mlx:Engine"] = MlxTestEngine.Deterministic,
            ["LocalAI:Mlx:EnginePaths:0"] = MlxTestEngine.Directory,
            ["LocalAI:Mlx:ChatModel"] = "echo",
            ["LocalAI:Mlx:EmbeddingModel"] = "test-embed-384",
            ["LocalAI:Mlx:EngineOptions:token_delay"] = "0.001",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddLocalAI(configuration.GetSection("LocalAI"), b => b.AddMlx(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10)));
        await using var provider = services.BuildServiceProvider();

        var backend = Assert.IsType<MlxBackend>(provider.GetRequiredKeyedService<ILocalBackend>("mlx"));
        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("through the router");
        var vectors = await provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["a", "b"]);

        Assert.Equal("echo: through the router", response.Text);
        Assert.Equal("mlx", response.AdditionalProperties?["localai.backend"]);
        Assert.Equal(2, vectors.Count);
        Assert.Equal(1, backend.Sidecar.StartCount);
    }

    [Fact]
    public async Task AddMlx_with_an_id_binds_LocalAI_id_and_registers_the_keyed_clients()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LocalAI:mlx-small:ChatModel"] = "mlx-community/Qwen2.5-0.5B-Instruct-4bit",
            ["LocalAI:mlx-small:EmbeddingDimensions"] = "768",
        }).Build();
        var services = new ServiceCollection();
        services.AddLocalAI(configuration.GetSection("LocalAI"), b => b.AddMlx("mlx-small", o => o.EmbeddingModel = "nomic-ai/nomic-embed-text-v1.5"));
        await using var provider = services.BuildServiceProvider();

        var backend = Assert.IsType<MlxBackend>(provider.GetRequiredKeyedService<ILocalBackend>("mlx-small"));
        var chat = provider.GetRequiredKeyedService<IChatClient>("mlx-small");
        var embeddings = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("mlx-small");

        Assert.Equal("mlx-small", backend.Id);
        Assert.Equal("mlx-community/Qwen2.5-0.5B-Instruct-4bit", chat.GetService<ChatClientMetadata>()?.DefaultModelId);
        Assert.Equal("mlx-small", chat.GetService<ChatClientMetadata>()?.ProviderName);
        Assert.Equal(new EmbeddingModelIdentity("nomic-ai/nomic-embed-text-v1.5", 768), EmbeddingModelIdentity.FromGenerator(embeddings));
        Assert.Equal(0, backend.Sidecar.StartCount);
    }

    [Fact]
    public async Task AddMlx_rejects_bad_options_at_start_naming_the_key()
    {
        var services = new ServiceCollection();
        services.AddLocalAI(b => b.AddMlx(o => o.MaxLoadedModels = 0));
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredKeyedService<ILocalBackend>("mlx"));
        Assert.Contains("LocalAI:mlx:MaxLoadedModels", error.Message, StringComparison.Ordinal);
    }
}
