using Microsoft.Extensions.Time.Testing;

namespace LocalAI.Ollama.Tests;

public sealed class OllamaEmbeddingGeneratorTests : IAsyncLifetime
{
    private OllamaTestServer _server = null!;

    public async Task InitializeAsync() => _server = await OllamaTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Vectors_AreTheServersVectors_WithDimensionsReadFromShow()
    {
        await using var backend = TestSupport.CreateBackend(_server, o => o.KeepAlive = TimeSpan.FromMinutes(1));
        var generator = backend.GetEmbeddingGenerator();
        string[] texts = [.. Enumerable.Range(0, 10).Select(i => $"text number {i}")];

        var result = await generator.GenerateAsync(texts);

        Assert.Equal(new EmbeddingModelIdentity("nomic-embed-text", 8), EmbeddingModelIdentity.FromGenerator(generator));
        Assert.Equal(10, result.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(OllamaTestServer.EmbeddingOf(texts[i], 8), result[i].Vector.ToArray());
        }

        Assert.Equal("60s", (string?)_server.RequestsTo("/api/embed").Single().Body!["keep_alive"]);
    }

    [Fact]
    public async Task Creating_AGenerator_SendsNothing_AndDeclaresTheModelWithoutDimensions()
    {
        await using var backend = TestSupport.CreateBackend(_server);

        var generator = backend.GetEmbeddingGenerator();
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.Empty(_server.Requests);
        Assert.Equal("nomic-embed-text", metadata?.DefaultModelId);
        Assert.Null(metadata?.DefaultModelDimensions);
        Assert.Null(EmbeddingModelIdentity.FromGenerator(generator));
    }

    [Fact]
    public async Task Creating_AGenerator_ForAnUnreachableServer_Succeeds_AndTheFirstRequestFails()
    {
        await using var backend = TestSupport.CreateBackend(TestSupport.RefusedEndpoint());

        var generator = backend.GetEmbeddingGenerator();

        await Assert.ThrowsAsync<BackendUnavailableException>(() => generator.GenerateAsync(["x"]));
    }

    [Fact]
    public async Task ConfiguredDimensions_AreDeclaredAtOnce_AndShowIsNeverAsked()
    {
        await using var backend = TestSupport.CreateBackend(_server, o => o.EmbeddingDimensions = 8);
        var generator = backend.GetEmbeddingGenerator();

        Assert.Equal(new EmbeddingModelIdentity("nomic-embed-text", 8), EmbeddingModelIdentity.FromGenerator(generator));
        await generator.GenerateAsync(["x"]);
        Assert.Empty(_server.RequestsTo("/api/show"));
    }

    [Fact]
    public async Task ConcurrentFirstRequests_AskTheServerOnce_AndLaterGeneratorsKnowTheDimensionsAtOnce()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var showArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Faults.BeforeShow = ct =>
        {
            showArrived.TrySetResult();
            return release.Task.WaitAsync(ct);
        };
        await using var backend = TestSupport.CreateBackend(_server);
        var first = backend.GetEmbeddingGenerator();
        var second = backend.GetEmbeddingGenerator();

        var calls = Enumerable.Range(0, 4).Select(i => (i % 2 == 0 ? first : second).GenerateAsync([$"text {i}"])).ToList();
        await showArrived.Task.WaitAsync(TestSupport.Wait);
        release.SetResult();
        await Task.WhenAll(calls).WaitAsync(TestSupport.Wait);

        Assert.Single(_server.RequestsTo("/api/show"));
        Assert.Equal(8, second.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions);
        Assert.Equal(8, backend.GetEmbeddingGenerator().GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions);
    }

    [Fact]
    public async Task AFailedFirstRequest_IsRetriedByTheNext()
    {
        await using var backend = TestSupport.CreateBackend(_server);
        var generator = backend.GetEmbeddingGenerator("late-embed");

        await Assert.ThrowsAsync<ModelNotFoundException>(() => generator.GenerateAsync(["x"]));
        Assert.Null(generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions);
        _server.Install(new TestModel("late-embed:latest", "bert", "137M", "F16", 1000) { EmbeddingLength = 16 });

        var result = await generator.GenerateAsync(["x"]);

        Assert.Equal(16, result[0].Vector.Length);
        Assert.Equal(new EmbeddingModelIdentity("late-embed", 16), EmbeddingModelIdentity.FromGenerator(generator));
        Assert.Equal(2, _server.RequestsTo("/api/show").Count);
    }

    [Fact]
    public async Task TheFirstRequest_IsCancellable_WhileTheDimensionsAreRead()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Faults.BeforeShow = async ct =>
        {
            arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        };
        await using var backend = TestSupport.CreateBackend(_server);
        var generator = backend.GetEmbeddingGenerator();
        using var cts = new CancellationTokenSource();

        var call = generator.GenerateAsync(["x"], cancellationToken: cts.Token);
        await arrived.Task.WaitAsync(TestSupport.Wait);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TestSupport.Wait));
        _server.Faults.BeforeShow = null;
        Assert.Single(await generator.GenerateAsync(["x"]));
    }

    [Fact]
    public async Task AShowThatDoesNotAnswerInTime_IsBackendUnavailable_NamingTheSetting()
    {
        var time = new FakeTimeProvider();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Faults.BeforeShow = async ct =>
        {
            arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        };
        await using var backend = TestSupport.CreateBackend(_server, o => o.ConnectTimeout = TimeSpan.FromSeconds(5), time);

        var call = backend.GetEmbeddingGenerator().GenerateAsync(["x"]);
        await arrived.Task.WaitAsync(TestSupport.Wait);
        time.Advance(TimeSpan.FromSeconds(11));

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => call.WaitAsync(TestSupport.Wait));
        Assert.Contains("LocalAI:ollama:EmbeddingDimensions", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChatModel_FailsOnTheFirstRequest_WithAClearError()
    {
        await using var backend = TestSupport.CreateBackend(_server);
        var generator = backend.GetEmbeddingGenerator("llama3.2");

        var ex = await Assert.ThrowsAsync<BackendProtocolException>(() => generator.GenerateAsync(["x"]));
        Assert.Contains("LocalAI:ollama:EmbeddingDimensions", ex.Message, StringComparison.Ordinal);
    }
}
