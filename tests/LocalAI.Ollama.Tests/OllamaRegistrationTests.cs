using LocalAI.Ollama.Embedded;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.Ollama.Tests;

public sealed class OllamaRegistrationTests
{
    [Fact]
    public async Task AddOllama_BindsTheLocalAIOllamaSection_ThenAppliesCode()
    {
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
    public void AddOllama_RejectsBadSettings_NamingTheKey()
    {
        var services = new ServiceCollection();
        var ex = Assert.Throws<ArgumentException>(() => services.AddLocalAI(b => b.AddOllama(o => o.MaxConcurrentRequestsPerEndpoint = 0)));
        Assert.Contains("MaxConcurrentRequestsPerEndpoint", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => services.AddLocalAI(b => b.AddOllama(o => o.Endpoint = new Uri("ftp://x/"))));
    }

    [Fact]
    public void AddOllamaEmbedded_RefusesAnArchiveWithoutAChecksum()
    {
        var services = new ServiceCollection();
        var ex = Assert.Throws<ArgumentException>(() => services.AddLocalAI(b => b.AddOllamaEmbedded(o => o.InstallArchive = "https://example.com/ollama.tgz")));
        Assert.Contains("InstallSha256", ex.Message, StringComparison.Ordinal);
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
