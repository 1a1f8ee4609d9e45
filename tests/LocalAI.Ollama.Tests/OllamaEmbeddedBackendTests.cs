using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.Ollama.Tests;

/// <summary>The backend over the server the SDK runs itself, with the test server built as an executable that behaves like <c>ollama serve</c>.</summary>
public sealed class OllamaEmbeddedBackendTests
{
    [Fact]
    public async Task AddOllamaEmbedded_ServesChatThroughTheRouter_AndDisposingTheHostStopsTheServer()
    {
        var provider = Router();
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
    public async Task AServerSlowerToStartThanTheProbeTimeout_IsAwaitedUpToItsStartupTimeout_AndServesTheFirstRequest()
    {
        // The server listens only 3 s after it starts, the router's probe timeout is 1 s: the first probe
        // must wait for the start (up to StartupTimeout), not give up after the probe timeout.
        await using var provider = Router(o => o.Environment["OLLAMA_TEST_START_DELAY_MS"] = "3000", o => o.ProbeTimeout = TimeSpan.FromSeconds(1));

        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("late");

        Assert.Equal("You said: late", response.Text);
        var backend = (OllamaEmbeddedBackend)provider.GetRequiredService<BackendManager>().GetBackend("ollama-embedded");
        Assert.Contains("starting in 3000 ms", backend.Server.GetRecentOutput());
        Assert.Equal(OllamaServerState.Running, backend.Server.State);
    }

    [Fact]
    public async Task AStartGivenUpByItsCaller_StopsTheProcessBeingStarted()
    {
        var options = new OllamaEmbeddedBackendOptions { BinaryPath = TestSupport.TestServerExecutable, StopGracePeriod = TimeSpan.FromSeconds(10) };
        options.Environment["OLLAMA_TEST_START_DELAY_MS"] = "60000";
        await using var backend = new OllamaEmbeddedBackend("local", options);
        using var cts = new CancellationTokenSource();
        int? pid = null;
        backend.Server.StateChanged += (_, e) =>
        {
            if (e.State == OllamaServerState.Starting)
            {
                pid = e.ProcessId;
                cts.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => backend.StartAsync(cts.Token));

        Assert.NotNull(pid);
        Assert.False(TestSupport.IsAlive(pid.Value));
        Assert.Equal(OllamaServerState.Stopped, backend.Server.State);
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

    /// <summary>The router over the embedded backend, with the test server as its <c>ollama</c>.</summary>
    private static ServiceProvider Router(Action<OllamaEmbeddedBackendOptions>? configure = null, Action<LocalAIOptions>? router = null)
    {
        var services = new ServiceCollection();
        services.AddLocalAI(b => b.AddOllamaEmbedded(o =>
        {
            o.BinaryPath = TestSupport.TestServerExecutable;
            o.Client.DefaultModel = "llama3.2";
            configure?.Invoke(o);
        }).Configure(router ?? (_ => { })));
        return services.BuildServiceProvider();
    }
}
