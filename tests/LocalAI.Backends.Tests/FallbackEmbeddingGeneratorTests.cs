using LocalAI.Backends.Tests.Support;
using LocalAI.Testing;
using Microsoft.Extensions.AI;

namespace LocalAI.Backends.Tests;

public sealed class FallbackEmbeddingGeneratorTests
{
    private static FakeBackend EmbeddingBackend(string id, FakeEmbeddingGenerator generator) =>
        new(id, BackendCapabilities.Embeddings) { Embeddings = generator };

    [Fact]
    public async Task GenerateAsync_ServesFromFirstBackend_AndNamesIt()
    {
        var a = EmbeddingBackend("a", new FakeEmbeddingGenerator("minilm", 8));
        var manager = new BackendManager([new FakeBackend("chat-only"), a], timeProvider: Router.NewClock());
        using var router = new FallbackEmbeddingGenerator(manager);

        var result = await router.GenerateAsync(["one", "three"]);

        Assert.Equal(2, result.Count);
        Assert.All(result, e => Assert.Equal(8, e.Vector.Length));
        Assert.Equal("a", result.AdditionalProperties?[LocalAITelemetry.BackendTag]);
        Assert.Equal(new EmbeddingModelIdentity("minilm", 8), EmbeddingModelIdentity.FromGenerator(router));
    }

    [Fact]
    public async Task GenerateAsync_FallsBackOnlyToTheSameModel()
    {
        var first = new FakeEmbeddingGenerator("minilm", 8) { Failure = new HttpRequestException("Connection refused") };
        var same = new FakeEmbeddingGenerator("MiniLM", 8);
        var manager = new BackendManager([EmbeddingBackend("a", first), EmbeddingBackend("b", same)], timeProvider: Router.NewClock());
        using var router = new FallbackEmbeddingGenerator(manager);

        var result = await router.GenerateAsync(["x"]);

        Assert.Equal("b", result.AdditionalProperties?[LocalAITelemetry.BackendTag]);
    }

    [Fact]
    public async Task GenerateAsync_OnlyAnotherModelLeft_ThrowsMismatchInsteadOfMixingVectors()
    {
        var first = new FakeEmbeddingGenerator("minilm", 8) { Failure = new HttpRequestException("Connection refused") };
        var other = new FakeEmbeddingGenerator("bge-small", 8);
        var manager = new BackendManager([EmbeddingBackend("a", first), EmbeddingBackend("b", other)], timeProvider: Router.NewClock());
        using var router = new FallbackEmbeddingGenerator(manager);

        var thrown = await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => router.GenerateAsync(["x"]));

        Assert.Equal(new EmbeddingModelIdentity("minilm", 8), thrown.Expected);
        Assert.Equal(0, other.Calls);
        var inner = Assert.IsType<NoBackendAvailableException>(thrown.InnerException);
        Assert.Contains(inner.Attempts, x => x.BackendId == "b" && x.Reason.Contains("bge-small", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GenerateAsync_SameNameOtherDimensions_IsAnotherModel()
    {
        var first = new FakeEmbeddingGenerator("minilm", 8) { Failure = new TimeoutException() };
        var other = new FakeEmbeddingGenerator("minilm", 16);
        var manager = new BackendManager([EmbeddingBackend("a", first), EmbeddingBackend("b", other)], timeProvider: Router.NewClock());
        using var router = new FallbackEmbeddingGenerator(manager);

        await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => router.GenerateAsync(["x"]));
        Assert.Equal(0, other.Calls);
    }

    [Fact]
    public async Task GenerateAsync_BackendReturnsWrongDimensions_Throws()
    {
        var liar = new FakeEmbeddingGenerator("minilm", 8, returnedDimensions: 7);
        var manager = new BackendManager([EmbeddingBackend("a", liar)], timeProvider: Router.NewClock());
        using var router = new FallbackEmbeddingGenerator(manager);

        var thrown = await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => router.GenerateAsync(["x"]));

        Assert.Equal(7, thrown.Actual?.Dimensions);
        Assert.Equal("a", thrown.BackendId);
    }

    [Fact]
    public async Task EmbeddingModelOption_PinsTheNamedModel()
    {
        var a = EmbeddingBackend("a", new FakeEmbeddingGenerator("minilm", 8));
        var b = EmbeddingBackend("b", new FakeEmbeddingGenerator("bge-small", 4));
        var manager = new BackendManager([a, b], new LocalAIOptions { EmbeddingModel = "bge-small" }, timeProvider: Router.NewClock());
        using var router = new FallbackEmbeddingGenerator(manager);

        var result = await router.GenerateAsync(["x"]);

        Assert.Equal("b", result.AdditionalProperties?[LocalAITelemetry.BackendTag]);
        Assert.Equal(4, result[0].Vector.Length);
    }

    [Fact]
    public async Task GenerateAsync_BackendThatCouldNotCreateItsGenerator_IsAskedAgainLater()
    {
        var a = EmbeddingBackend("a", new FakeEmbeddingGenerator("minilm", 8));
        a.NextEmbeddingGeneratorFailure = new BackendUnavailableException("server down while reading the model's dimensions");
        var manager = new BackendManager([a], timeProvider: Router.NewClock());
        using var router = new FallbackEmbeddingGenerator(manager);

        var first = await Assert.ThrowsAsync<NoBackendAvailableException>(() => router.GenerateAsync(["x"]));
        var second = await router.GenerateAsync(["x"]);

        Assert.Contains("server down", first.Message, StringComparison.Ordinal);
        Assert.Equal("a", second.AdditionalProperties?[LocalAITelemetry.BackendTag]);
    }

    [Fact]
    public async Task GenerateAsync_NoEmbeddingBackend_ThrowsNoBackendAvailable()
    {
        var manager = new BackendManager([new FakeBackend("chat-only")], timeProvider: Router.NewClock());
        using var router = new FallbackEmbeddingGenerator(manager);

        var thrown = await Assert.ThrowsAsync<NoBackendAvailableException>(() => router.GenerateAsync(["x"]));

        Assert.Contains("embeddings", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_GeneratorThatDoesNotDeclareDimensionsYet_IsProbedOnceAndPinned()
    {
        var lazy = new FakeEmbeddingGenerator("minilm", 8, declaresDimensions: false);
        var manager = new BackendManager([EmbeddingBackend("a", lazy)], timeProvider: Router.NewClock());
        using var router = new FallbackEmbeddingGenerator(manager);
        Assert.Null(router.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);

        var identity = await router.GetModelIdentityAsync();
        await router.GenerateAsync(["x"]);
        await router.GenerateAsync(["y"]);

        Assert.Equal(new EmbeddingModelIdentity("minilm", 8), identity);
        Assert.Equal(3, lazy.Calls);
        Assert.Equal(new EmbeddingModelIdentity("minilm", 8), EmbeddingModelIdentity.FromGenerator(router));
    }

    [Fact]
    public async Task GenerateAsync_LazyGeneratorOfOtherDimensions_IsNotMixedIn()
    {
        var first = new FakeEmbeddingGenerator("minilm", 8) { Failure = new HttpRequestException("Connection refused") };
        var other = new FakeEmbeddingGenerator("minilm", 16, declaresDimensions: false);
        var manager = new BackendManager([EmbeddingBackend("a", first), EmbeddingBackend("b", other)], timeProvider: Router.NewClock());
        using var router = new FallbackEmbeddingGenerator(manager);

        var thrown = await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => router.GenerateAsync(["x"]));

        Assert.Equal(new EmbeddingModelIdentity("minilm", 8), thrown.Expected);
        Assert.Equal(1, other.Calls); // the one probe that told its dimensions, never a request's texts
    }
}
