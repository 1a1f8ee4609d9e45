using LocalAI.Mlx.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.Mlx.Tests;

public sealed class MlxRegistrationTests
{
    [Fact]
    public async Task AddMlx_binds_the_Mlx_section_and_serves_through_the_router()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LocalAI:Mlx:AllowNonApplePlatforms"] = "true",
            ["LocalAI:Mlx:Engine"] = "deterministic_engine:DeterministicEngine",
            ["LocalAI:Mlx:EnginePaths:0"] = TestPaths.PythonTests,
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
}
