using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LocalAI.Ollama.Tests;

public sealed class OllamaLocalAIBuilderExtensionsTests
{
    [Fact]
    public async Task AddOllama_BindsTheSectionNamedAfterTheId_ThenAppliesCode()
    {
        // Configuration keys are case-insensitive: "LocalAI:Ollama" is the section of the backend "ollama".
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LocalAI:Ollama:Endpoints:0"] = "http://10.0.0.1:11434",
            ["LocalAI:Ollama:Endpoints:1"] = "http://10.0.0.2:11434",
            ["LocalAI:Ollama:MaxConcurrentRequestsPerEndpoint"] = "2",
            ["LocalAI:Ollama:DefaultModel"] = "qwen2.5:7b",
            ["LocalAI:Ollama:GenerationTimeout"] = "00:05:00",
        }).Build();
        var services = new ServiceCollection();
        services.AddLocalAI(configuration.GetSection("LocalAI"), b => b.AddOllama(o => o.ContextSize = 32768));
        await using var provider = services.BuildServiceProvider();

        var backend = (OllamaBackend)provider.GetRequiredService<BackendManager>().GetBackend("ollama");

        Assert.Equal([new Uri("http://10.0.0.1:11434"), new Uri("http://10.0.0.2:11434")], backend.Endpoints);
        Assert.Equal("qwen2.5:7b", backend.GetChatClient().GetService<ChatClientMetadata>()?.DefaultModelId);
    }

    [Fact]
    public async Task AddOllama_WithAnId_BindsLocalAIId_AndRegistersTheKeyedClients()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LocalAI:ollama-gpu:Endpoint"] = "http://gpu-box:11434",
            ["LocalAI:ollama-gpu:EmbeddingModel"] = "mxbai-embed-large",
            ["LocalAI:ollama-gpu:EmbeddingDimensions"] = "1024",
        }).Build();
        var services = new ServiceCollection();
        services.AddLocalAI(configuration.GetSection("LocalAI"), b => b.AddOllama("ollama-gpu", o => o.DefaultModel = "qwen2.5:7b"));
        await using var provider = services.BuildServiceProvider();

        var backend = Assert.IsType<OllamaBackend>(provider.GetRequiredKeyedService<ILocalBackend>("ollama-gpu"));
        var chat = provider.GetRequiredKeyedService<IChatClient>("ollama-gpu");
        var embeddings = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("ollama-gpu");

        Assert.Equal("ollama-gpu", backend.Id);
        Assert.Equal([new Uri("http://gpu-box:11434")], backend.Endpoints);
        Assert.Equal("qwen2.5:7b", chat.GetService<ChatClientMetadata>()?.DefaultModelId);
        Assert.Equal(new EmbeddingModelIdentity("mxbai-embed-large", 1024), EmbeddingModelIdentity.FromGenerator(embeddings));
    }

    [Fact]
    public async Task AddOllama_RejectsBadSettings_AtStart_NamingTheKey()
    {
        var services = new ServiceCollection();
        services.AddLocalAI(b => b.AddOllama(o => o.MaxConcurrentRequestsPerEndpoint = 0));
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<BackendManager>());
        Assert.Contains("LocalAI:ollama:MaxConcurrentRequestsPerEndpoint", ex.Message, StringComparison.Ordinal);

        var other = new ServiceCollection();
        other.AddLocalAI(b => b.AddOllama(o => o.Endpoint = new Uri("ftp://x/")));
        await using var otherProvider = other.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => otherProvider.GetRequiredKeyedService<ILocalBackend>("ollama"));
    }

    [Fact]
    public void OllamaBackend_ConstructedDirectly_RejectsBadSettingsTheSameWay()
    {
        var ex = Assert.Throws<ArgumentException>(() => new OllamaBackend("ollama", new OllamaBackendOptions { ContextSize = 0 }));
        Assert.Contains("LocalAI:ollama:ContextSize", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddOllamaEmbedded_RefusesAnArchiveWithoutAChecksum()
    {
        var services = new ServiceCollection();
        services.AddLocalAI(b => b.AddOllamaEmbedded(o => o.InstallArchive = "https://example.com/ollama.tgz"));
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredKeyedService<ILocalBackend>("ollama-embedded"));
        Assert.Contains("LocalAI:ollama-embedded:InstallSha256", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddOllamaEmbedded_BindsLocalAIOllamaEmbedded_WithItsClientSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LocalAI:ollama-embedded:BinaryPath"] = TestSupport.TestServerExecutable,
            ["LocalAI:ollama-embedded:NumParallel"] = "2",
            ["LocalAI:ollama-embedded:Client:DefaultModel"] = "qwen2.5:7b",
            ["LocalAI:ollama-embedded:Client:ContextSize"] = "0",
        }).Build();
        var services = new ServiceCollection();
        services.AddLocalAI(configuration.GetSection("LocalAI"), b => b.AddOllamaEmbedded(o => o.Client.ContextSize = 4096));
        await using var provider = services.BuildServiceProvider();

        var backend = Assert.IsType<OllamaEmbeddedBackend>(provider.GetRequiredKeyedService<ILocalBackend>("ollama-embedded"));

        Assert.Equal("qwen2.5:7b", backend.GetChatClient().GetService<ChatClientMetadata>()?.DefaultModelId);
        Assert.Equal(OllamaServerState.NotStarted, backend.Server.State);
    }

    [Fact]
    public async Task AddOllamaEmbedded_RejectsBadClientSettings_NamingTheClientKey()
    {
        var services = new ServiceCollection();
        services.AddLocalAI(b => b.AddOllamaEmbedded(o => o.Client.GenerationTimeout = TimeSpan.Zero));
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredKeyedService<ILocalBackend>("ollama-embedded"));
        Assert.Contains("LocalAI:ollama-embedded:Client:GenerationTimeout", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddOllamaAndAddOllamaEmbedded_CanBeRegisteredSideBySide()
    {
        var services = new ServiceCollection();
        services.AddLocalAI(b => b.AddOllama().AddOllamaEmbedded(o => o.BinaryPath = TestSupport.TestServerExecutable));
        await using var provider = services.BuildServiceProvider();

        var ids = provider.GetRequiredService<BackendManager>().Backends.Select(b => b.Id);

        Assert.Equal(["ollama", "ollama-embedded"], ids);
        Assert.IsType<OllamaEmbeddedBackend>(provider.GetRequiredService<BackendManager>().GetBackend("ollama-embedded"));
    }
}
