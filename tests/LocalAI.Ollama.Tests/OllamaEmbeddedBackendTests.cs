using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.Ollama.Tests;

/// <summary>The backend over the server the SDK runs itself, with the test server built as an executable that behaves like <c>ollama serve</c>.</summary>
public sealed class OllamaEmbeddedBackendTests
{
    [Fact]
    public async Task AddOllamaEmbedded_ServesChatThroughTheRouter_AndDisposingTheHostStopsTheServer()
    {
        var services = new ServiceCollection();
        services.AddLocalAI(b => b.AddOllamaEmbedded(o =>
        {
            o.BinaryPath = TestSupport.TestServerExecutable;
            o.Client.DefaultModel = "llama3.2";
        }));
        var provider = services.BuildServiceProvider();
        int pid;
        try
        {
            var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("embedded");
            Assert.Equal("You said: embedded", response.Text);
            Assert.Equal("ollama-embedded", response.AdditionalProperties?["localai.backend"]);
            var backend = (OllamaEmbeddedBackend)provider.GetRequiredService<BackendManager>().GetBackend("ollama-embedded");
            pid = backend.Server.ProcessId!.Value;
        }
        finally
        {
            await provider.DisposeAsync();
        }

        Assert.False(TestSupport.IsAlive(pid));
    }

    [Fact]
    public async Task GetEmbeddingGenerator_StartsNothing_AndTheFirstRequestStartsTheServerAndLearnsTheDimensions()
    {
        await using var backend = new OllamaEmbeddedBackend(
            OllamaEmbeddedBackend.DefaultId,
            new OllamaEmbeddedBackendOptions { BinaryPath = TestSupport.TestServerExecutable, StopGracePeriod = TimeSpan.FromSeconds(10) });

        var generator = backend.GetEmbeddingGenerator();

        Assert.Equal(OllamaServerState.NotStarted, backend.Server.State);
        Assert.Null(backend.Server.ProcessId);
        Assert.Equal("nomic-embed-text", generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);
        Assert.Null(EmbeddingModelIdentity.FromGenerator(generator));

        var result = await generator.GenerateAsync(["first", "second"]);

        Assert.Equal(OllamaServerState.Running, backend.Server.State);
        Assert.Equal(2, result.Count);
        Assert.Equal(new EmbeddingModelIdentity("nomic-embed-text", 8), EmbeddingModelIdentity.FromGenerator(generator));
        Assert.Equal("ollama-embedded", generator.GetService<EmbeddingGeneratorMetadata>()?.ProviderName);
    }

    [Fact]
    public async Task AFailedStart_FailsTheRequest_AndTheNextRequestStartsAgain()
    {
        var options = new OllamaEmbeddedBackendOptions { BinaryPath = TestSupport.TestServerExecutable, StopGracePeriod = TimeSpan.FromSeconds(10) };
        options.Environment["OLLAMA_TEST_EXIT_AT_START"] = "7";
        await using var backend = new OllamaEmbeddedBackend("local", options);
        var generator = backend.GetEmbeddingGenerator();

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => generator.GenerateAsync(["x"]));
        Assert.Contains("exited with code 7", ex.Message, StringComparison.Ordinal);

        options.Environment.Remove("OLLAMA_TEST_EXIT_AT_START");
        Assert.Single(await generator.GenerateAsync(["x"]));
        Assert.Equal(OllamaServerState.Running, backend.Server.State);
    }

    [Fact]
    public void BadSettings_AreRejected_NamingTheKeyOfTheId()
    {
        var ex = Assert.Throws<ArgumentException>(() => new OllamaEmbeddedBackend("local", new OllamaEmbeddedBackendOptions { NumParallel = 0 }));
        Assert.Contains("LocalAI:local:NumParallel", ex.Message, StringComparison.Ordinal);
    }
}
