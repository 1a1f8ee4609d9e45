using System.Text;
using LocalAI.Backends.Tests.Support;
using LocalAI.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LocalAI.Backends.Tests;

public sealed class LocalBackendRegistrationExtensionsTests
{
    private static IConfiguration LocalAISection(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("LocalAI");

    private static ILocalAIBuilder AddGreeter(ILocalAIBuilder builder, string id, Action<GreeterOptions>? configure = null) =>
        builder.AddLocalBackend<GreeterOptions, GreeterOptionsValidator>(id, configure, static (_, id, options) =>
            new FakeBackend(id, BackendCapabilities.Chat | BackendCapabilities.Embeddings)
            {
                Chat = { Reply = options.Greeting },
                Embeddings = new FakeEmbeddingGenerator("minilm", options.Dimensions),
            });

    [Fact]
    public async Task AddLocalBackend_BindsNamedOptionsFromTheSectionOfItsId_ThenConfigure()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddLocalAI(
            LocalAISection("""{ "LocalAI": { "first": { "Greeting": "from config", "Dimensions": 4 }, "second": { "Greeting": "other" } } }"""),
            b => AddGreeter(AddGreeter(b, "first"), "second", o => o.Dimensions = 16));
        await using var sp = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var monitor = sp.GetRequiredService<IOptionsMonitor<GreeterOptions>>();
        var first = await sp.GetRequiredKeyedService<IChatClient>("first").GetResponseAsync("hi");
        var second = await sp.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("second").GenerateAsync(["x"]);

        Assert.Equal("from config", monitor.Get("first").Greeting);
        Assert.Equal(4, monitor.Get("first").Dimensions);
        Assert.Equal("other", monitor.Get("second").Greeting);
        Assert.Equal(16, monitor.Get("second").Dimensions);
        Assert.Equal("from config", first.Text);
        Assert.Equal(16, second[0].Vector.Length);
        Assert.Equal(["first", "second"], sp.GetRequiredService<BackendManager>().Backends.Select(b => b.Id));
        Assert.Same(sp.GetRequiredService<BackendManager>().GetBackend("first"), sp.GetRequiredKeyedService<ILocalBackend>("first"));
    }

    [Fact]
    public async Task AddLocalBackend_BadOptions_FailHostStartNamingTheKeyOfThatId()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLocalAI(
            LocalAISection("""{ "LocalAI": { "good": { "Dimensions": 8 }, "bad": { "Dimensions": 0 } } }"""),
            b => AddGreeter(AddGreeter(b, "good"), "bad"));
        using var host = builder.Build();

        var thrown = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("LocalAI:bad:Dimensions must be at least 1 (was 0)", thrown.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LocalAI:good", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddLocalBackend_BadOptions_FailBeforeTheBackendIsCreated_WithoutAHost()
    {
        var created = 0;
        var services = new ServiceCollection();
        services.AddLocalAI(b => b.AddLocalBackend<GreeterOptions, GreeterOptionsValidator>("bad", o => o.Dimensions = -1, (_, id, _) =>
        {
            created++;
            return new FakeBackend(id);
        }));
        await using var sp = services.BuildServiceProvider();

        var thrown = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<BackendManager>());

        Assert.Contains("LocalAI:bad:Dimensions", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(0, created);
    }

    [Fact]
    public void AddLocalBackend_EmptyId_Throws()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>(() => services.AddLocalAI(b => AddGreeter(b, " ")));
    }

    [Fact]
    public async Task KeyedChatClient_OfABackendThatDoesNotChat_SaysSo()
    {
        var services = new ServiceCollection();
        services.AddLocalAI(b => b.AddLocalBackend<GreeterOptions, GreeterOptionsValidator>("embedder", null, static (_, id, _) =>
            new FakeBackend(id, BackendCapabilities.Embeddings)));
        await using var sp = services.BuildServiceProvider();

        var thrown = Assert.Throws<NotSupportedException>(() => sp.GetRequiredKeyedService<IChatClient>("embedder"));

        Assert.Contains("embedder", thrown.Message, StringComparison.Ordinal);
    }

    public sealed class GreeterOptions
    {
        public string Greeting { get; set; } = "hello";

        public int Dimensions { get; set; } = 8;
    }

    private sealed class GreeterOptionsValidator : IValidateOptions<GreeterOptions>
    {
        public ValidateOptionsResult Validate(string? name, GreeterOptions options) =>
            options.Dimensions < 1
                ? ValidateOptionsResult.Fail($"LocalAI:{name}:Dimensions must be at least 1 (was {options.Dimensions}).")
                : ValidateOptionsResult.Success;
    }
}
