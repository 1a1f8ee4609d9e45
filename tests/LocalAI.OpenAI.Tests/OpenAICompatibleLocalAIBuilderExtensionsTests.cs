using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LocalAI.OpenAI.Tests;

public sealed class OpenAICompatibleLocalAIBuilderExtensionsTests
{
    [Fact]
    public async Task AddOpenAICompatible_SeveralIds_EachBindsItsSection_ThenCode_AndRegistersKeyedClients()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LocalAI:llamaserver:Endpoint"] = "http://10.0.0.1:8080/v1",
            ["LocalAI:llamaserver:DefaultModel"] = "qwen2.5-7b",
            ["LocalAI:vllm:Endpoint"] = "http://10.0.0.2:8000/v1",
            ["LocalAI:vllm:ApiKey"] = "sk-vllm",
            ["LocalAI:vllm:EmbeddingModel"] = "BAAI/bge-small-en-v1.5",
            ["LocalAI:vllm:EmbeddingDimensions"] = "384",
            ["LocalAI:vllm:HealthPath"] = "/health",
            ["LocalAI:fleet:Endpoints:0"] = "http://10.0.0.3:8000/v1",
            ["LocalAI:fleet:Endpoints:1"] = "http://10.0.0.4:8000/v1",
        }).Build();
        var services = new ServiceCollection();
        services.AddLocalAI(configuration.GetSection("LocalAI"), b => b
            .AddOpenAICompatible("llamaserver", o => o.GenerationTimeout = TimeSpan.FromMinutes(5))
            .AddOpenAICompatible("vllm", o => o.DefaultModel = "meta-llama/Llama-3.1-8B-Instruct")
            .AddOpenAICompatible("fleet"));
        await using var provider = services.BuildServiceProvider();

        var llama = Assert.IsType<OpenAICompatibleBackend>(provider.GetRequiredKeyedService<ILocalBackend>("llamaserver"));
        var vllm = Assert.IsType<OpenAICompatibleBackend>(provider.GetRequiredKeyedService<ILocalBackend>("vllm"));
        var fleet = Assert.IsType<OpenAICompatibleBackend>(provider.GetRequiredKeyedService<ILocalBackend>("fleet"));
        var vllmChat = provider.GetRequiredKeyedService<IChatClient>("vllm");
        var vllmEmbeddings = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("vllm");

        Assert.Equal([new Uri("http://10.0.0.1:8080/v1")], llama.Endpoints);
        Assert.Equal([new Uri("http://10.0.0.3:8000/v1"), new Uri("http://10.0.0.4:8000/v1")], fleet.Endpoints);
        Assert.Equal("qwen2.5-7b", llama.GetChatClient().GetService<ChatClientMetadata>()?.DefaultModelId);
        Assert.Equal("llamaserver", llama.GetChatClient().GetService<ChatClientMetadata>()?.ProviderName);
        Assert.Equal([new Uri("http://10.0.0.2:8000/v1")], vllm.Endpoints);
        Assert.Equal("meta-llama/Llama-3.1-8B-Instruct", vllmChat.GetService<ChatClientMetadata>()?.DefaultModelId);
        Assert.Equal(new EmbeddingModelIdentity("BAAI/bge-small-en-v1.5", 384), EmbeddingModelIdentity.FromGenerator(vllmEmbeddings));
    }

    [Fact]
    public async Task AddOpenAICompatible_WithoutAnId_IsOpenAI_AtLlamaServersDefaultAddress()
    {
        var services = new ServiceCollection();
        services.AddLocalAI(b => b.AddOpenAICompatible());
        await using var provider = services.BuildServiceProvider();

        var backend = Assert.IsType<OpenAICompatibleBackend>(provider.GetRequiredKeyedService<ILocalBackend>("openai"));

        Assert.Equal([new Uri("http://127.0.0.1:8080/v1")], backend.Endpoints);
        Assert.False(backend.Capabilities.HasFlag(BackendCapabilities.ModelDownload));
        await Assert.ThrowsAsync<NotSupportedException>(() => backend.DownloadModelAsync("x"));
    }

    [Fact]
    public async Task AddOpenAICompatible_RejectsBadSettings_AtStart_NamingTheKey()
    {
        var services = new ServiceCollection();
        services.AddLocalAI(b => b.AddOpenAICompatible("vllm", o => o.Endpoint = new Uri("ftp://x/")));
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredKeyedService<ILocalBackend>("vllm"));
        Assert.Contains("LocalAI:vllm:Endpoint", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GenerationTimeout")]
    [InlineData("ApiKey")]
    [InlineData("HealthPath")]
    [InlineData("EmbeddingDimensions")]
    [InlineData("DefaultModel")]
    [InlineData("Endpoints")]
    [InlineData("MaxConcurrentRequestsPerEndpoint")]
    [InlineData("EndpointRetryDelay")]
    public void Backend_ConstructedDirectly_RejectsEachBadSetting_NamingItsKey(string key)
    {
        var options = new OpenAICompatibleBackendOptions();
        switch (key)
        {
            case "GenerationTimeout": options.GenerationTimeout = TimeSpan.Zero; break;
            case "ApiKey": options.ApiKey = string.Empty; break;
            case "HealthPath": options.HealthPath = "health"; break;
            case "EmbeddingDimensions": options.EmbeddingDimensions = 0; break;
            case "DefaultModel": options.DefaultModel = " "; break;
            case "Endpoints": options.Endpoints = [new Uri("http://10.0.0.1:8080/v1"), new Uri("http://10.0.0.1:8080/v1")]; break;
            case "MaxConcurrentRequestsPerEndpoint": options.MaxConcurrentRequestsPerEndpoint = 0; break;
            case "EndpointRetryDelay": options.EndpointRetryDelay = TimeSpan.FromSeconds(-1); break;
        }

        var ex = Assert.Throws<ArgumentException>(() => new OpenAICompatibleBackend("lm", options));
        Assert.Contains($"LocalAI:lm:{key}", ex.Message, StringComparison.Ordinal);
    }
}
