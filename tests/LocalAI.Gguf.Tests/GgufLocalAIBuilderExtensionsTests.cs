using LocalAI.Gguf.Tests.Fixtures;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LocalAI.Gguf.Tests;

[Collection(ModelCollection.Name)]
public sealed class GgufLocalAIBuilderExtensionsTests(ModelFixture fixture)
{
    [Fact]
    public async Task AddGguf_registers_a_backend_the_router_serves()
    {
        var services = new ServiceCollection();
        services.AddLocalAI(b => b.AddGguf(o =>
        {
            o.ModelPath = fixture.ChatModelPath;
            o.Threads = 1;
            o.ContextSize = 512;
        }));
        await using var provider = services.BuildServiceProvider();
        var chat = provider.GetRequiredService<IChatClient>();

        var response = await chat.GetResponseAsync("Hello there", new ChatOptions { MaxOutputTokens = 3, Temperature = 0 });

        Assert.Equal(3, response.Usage!.OutputTokenCount);
        Assert.Equal(GgufBackend.DefaultId, provider.GetRequiredKeyedService<ILocalBackend>(GgufBackend.DefaultId).Id);
    }

    [Fact]
    public async Task AddGguf_with_an_id_binds_its_section_lets_code_win_and_registers_keyed_clients()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LocalAI:tiny:ModelPath"] = fixture.ChatModelPath,
            ["LocalAI:tiny:EmbeddingModelPath"] = fixture.EmbeddingModelPath,
            ["LocalAI:tiny:Threads"] = "1",
            ["LocalAI:tiny:ContextSize"] = "512",
            ["LocalAI:tiny:MaxParallelRequests"] = "3",
        }).Build();
        var services = new ServiceCollection();
        services.AddLocalAI(configuration.GetSection("LocalAI"), b => b.AddGguf("tiny", o => o.MaxParallelRequests = 1));
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<GgufBackendOptions>>().Get("tiny");
        var chat = provider.GetRequiredKeyedService<IChatClient>("tiny");
        var embeddings = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("tiny");
        var response = await chat.GetResponseAsync("Hello there", new ChatOptions { MaxOutputTokens = 2, Temperature = 0 });
        var vectors = await embeddings.GenerateAsync(["Hello there"]);

        Assert.Equal((fixture.ChatModelPath, 512, 1), (options.ModelPath, options.ContextSize, options.MaxParallelRequests));
        Assert.Equal("tiny", provider.GetRequiredKeyedService<ILocalBackend>("tiny").Id);
        Assert.Equal("tiny", chat.GetService<ChatClientMetadata>()!.ProviderName);
        Assert.Equal(2, response.Usage!.OutputTokenCount);
        Assert.Equal(32, vectors[0].Vector.Length);
    }

    [Fact]
    public async Task Bad_options_fail_at_start_naming_the_configuration_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LocalAI:gguf:Threads"] = "0",
            ["LocalAI:gguf:ContextSize"] = "8",
        }).Build();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLocalAI(configuration.GetSection("LocalAI"), b => b.AddGguf(o => o.ModelPath = fixture.ChatModelPath));
        using var host = builder.Build();

        var thrown = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("LocalAI:gguf:Threads is 0; it must be at least 1.", thrown.Failures);
        Assert.Contains("LocalAI:gguf:ContextSize is 8; it must be at least 16 tokens.", thrown.Failures);
    }
}
