using System.Text;
using LocalAI.Backends.Tests.Support;
using LocalAI.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace LocalAI.Backends.Tests;

public sealed class LocalAIServiceCollectionExtensionsTests
{
    private const string AppSettings = """
        {
          "LocalAI": {
            "Priority": [ "gguf", "ollama" ],
            "ProbeTimeout": "00:00:03",
            "StatusCacheTtl": "00:01:00",
            "EmbeddingModel": "minilm",
            "Resilience": { "AttemptTimeout": "00:00:45", "MinimumThroughput": 4, "BreakDuration": "00:00:10" }
          }
        }
        """;

    private static IConfiguration Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    private static void AddFakeBackends(ILocalAIBuilder b) => b
        .AddBackend("ollama", _ => new FakeBackend("ollama") { Chat = { Reply = "from ollama" } })
        .AddBackend("gguf", _ => new FakeBackend("gguf", BackendCapabilities.Chat | BackendCapabilities.Embeddings)
        {
            Chat = { Reply = "from gguf" },
            Embeddings = new FakeEmbeddingGenerator("minilm", 8),
        });

    [Fact]
    public async Task AddLocalAI_FromAppSettingsJson_ResolvesEverything()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddLocalAI(Json(AppSettings).GetSection("LocalAI"), AddFakeBackends);
        await using var sp = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var options = sp.GetRequiredService<IOptions<LocalAIOptions>>().Value;
        var manager = sp.GetRequiredService<BackendManager>();
        var chat = sp.GetRequiredService<IChatClient>();
        var embeddings = sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        Assert.Equal(TimeSpan.FromSeconds(3), options.ProbeTimeout);
        Assert.Equal(4, options.Resilience.MinimumThroughput);
        Assert.Equal(TimeSpan.FromSeconds(45), options.Resilience.AttemptTimeout);
        Assert.Equal(["gguf", "ollama"], manager.Backends.Select(b => b.Id));
        Assert.IsType<FallbackChatClient>(chat);
        Assert.IsType<FallbackEmbeddingGenerator>(embeddings);
        Assert.Equal("ollama", sp.GetRequiredKeyedService<ILocalBackend>("ollama").Id);
        Assert.Same(sp.GetRequiredKeyedService<ILocalBackend>("gguf"), manager.GetBackend("gguf"));

        var response = await chat.GetResponseAsync("hi");
        Assert.Equal("from gguf", response.Text);
        var vectors = await embeddings.GenerateAsync(["a"]);
        Assert.Equal(8, vectors[0].Vector.Length);
    }

    [Fact]
    public async Task AddLocalAI_RegistersOneHealthCheckPerBackend()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddLocalAI(b => b
            .AddBackend("up", _ => new FakeBackend("up"))
            .AddBackend("down", _ => new FakeBackend("down") { Available = false, UnavailableReason = "port 11434 refused" }));
        await using var sp = services.BuildServiceProvider();

        var report = await sp.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, report.Entries["localai-up"].Status);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["localai-down"].Status);
        Assert.Equal("port 11434 refused", report.Entries["localai-down"].Description);
    }

    [Fact]
    public async Task HostStart_ProbesBackends_AndFailsOnBadConfigurationNamingTheKey()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLocalAI(
            Json("""{ "LocalAI": { "Priority": [ "ollama", "mlx" ], "Resilience": { "MinimumThroughput": 1 } } }""").GetSection("LocalAI"),
            AddFakeBackends);
        using var host = builder.Build();

        var thrown = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("LocalAI:Priority:1 names backend 'mlx', which is not registered (registered: gguf, ollama)", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("LocalAI:Resilience:MinimumThroughput must be at least 2 (was 1)", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_WithGoodConfiguration_ProbesEveryBackend()
    {
        var backend = new FakeBackend("only");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLocalAI(b => b.AddBackend("only", _ => backend));
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.Equal(1, backend.ProbeCount);
    }

    [Fact]
    public async Task ResolvingTheManager_WithValueThatCannotConvert_NamesTheKey()
    {
        var services = new ServiceCollection();
        services.AddLocalAI(Json("""{ "LocalAI": { "ProbeTimeout": "soon" } }""").GetSection("LocalAI"), AddFakeBackends);
        await using var sp = services.BuildServiceProvider();

        var thrown = Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<BackendManager>());

        Assert.Contains("LocalAI:ProbeTimeout", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddBackend_SameIdTwice_Throws()
    {
        var services = new ServiceCollection();

        var thrown = Assert.Throws<ArgumentException>(() => services.AddLocalAI(b => b
            .AddBackend("a", _ => new FakeBackend("a"))
            .AddBackend("A", _ => new FakeBackend("A"))));

        Assert.Contains("already registered", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposingTheContainer_DisposesTheBackends()
    {
        var backend = new FakeBackend("a");
        var services = new ServiceCollection();
        services.AddLocalAI(b => b.AddBackend("a", _ => backend));
        var sp = services.BuildServiceProvider();
        _ = sp.GetRequiredService<BackendManager>();

        await sp.DisposeAsync();

        Assert.True(backend.Disposed);
    }

    [Fact]
    public async Task UseChat_WrapsTheRouterAtRegistration_WithMicrosoftExtensionsAIMiddleware()
    {
        var backend = new FakeBackend("a") { Chat = { Reply = "cached once" } };
        var seen = new List<string>();
        var services = new ServiceCollection().AddLogging().AddDistributedMemoryCache();
        services.AddLocalAI(b => b.AddBackend("a", _ => backend))
            .UseChat(c => c
                .Use(async (messages, options, next, ct) =>
                {
                    seen.Add("outer");
                    await next(messages, options, ct);
                })
                .UseLogging()
                .UseOpenTelemetry()
                .UseDistributedCache());
        await using var sp = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var chat = sp.GetRequiredService<IChatClient>();
        var first = await chat.GetResponseAsync("same question");
        var second = await chat.GetResponseAsync("same question");

        Assert.IsNotType<FallbackChatClient>(chat);
        Assert.Same(sp.GetRequiredService<FallbackChatClient>(), chat.GetService<FallbackChatClient>());
        Assert.Same(sp.GetRequiredService<BackendManager>(), chat.GetService<BackendManager>());
        Assert.Equal("cached once", second.Text);
        Assert.Equal(1, backend.Chat.Calls); // the second answer came from the distributed cache around the router
        Assert.Equal(["outer", "outer"], seen);
        Assert.Equal("a", first.AdditionalProperties?[LocalAITelemetry.BackendTag]);
    }

    [Fact]
    public async Task UseEmbeddings_WrapsTheEmbeddingRouterAtRegistration()
    {
        var generator = new FakeEmbeddingGenerator("minilm", 8);
        var services = new ServiceCollection().AddLogging().AddDistributedMemoryCache();
        services.AddLocalAI(b => b.AddBackend("a", _ => new FakeBackend("a", BackendCapabilities.Embeddings) { Embeddings = generator }))
            .UseEmbeddings(e => e.UseLogging().UseDistributedCache());
        await using var sp = services.BuildServiceProvider();

        var embeddings = sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        await embeddings.GenerateAsync(["x"]);
        await embeddings.GenerateAsync(["x"]);

        Assert.IsNotType<FallbackEmbeddingGenerator>(embeddings);
        Assert.NotNull(embeddings.GetService<FallbackEmbeddingGenerator>());
        Assert.Equal(1 + 1, generator.Calls); // the router's fingerprint probes once, then one request (the second is cached)
    }

    [Fact]
    public async Task DisposingTheContainer_WithAComposedPipeline_DisposesTheBackendsOnce()
    {
        var backend = new FakeBackend("a");
        var services = new ServiceCollection().AddLogging();
        services.AddLocalAI(b => b.AddBackend("a", _ => backend)).UseChat(c => c.UseLogging());
        var sp = services.BuildServiceProvider();
        _ = await sp.GetRequiredService<IChatClient>().GetResponseAsync("hi");

        await sp.DisposeAsync();

        Assert.True(backend.Disposed);
    }

    [Fact]
    public void UseChat_WithoutAddLocalAI_SaysWhatToCall()
    {
        var builder = Substitute.For<ILocalAIBuilder>();
        builder.Services.Returns(new ServiceCollection());

        var thrown = Assert.Throws<InvalidOperationException>(() => builder.UseChat(c => c.UseLogging()));

        Assert.Contains("AddLocalAI", thrown.Message, StringComparison.Ordinal);
    }
}
