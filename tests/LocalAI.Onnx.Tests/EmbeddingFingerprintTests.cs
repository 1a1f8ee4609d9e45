using LocalAI.Onnx.Tests.Support;
using LocalAI.Testing;
using LocalAI.Testing.Models;
using Microsoft.Extensions.AI;

namespace LocalAI.Onnx.Tests;

/// <summary>Fingerprints of the real model: the vectors, not the names, decide whether two ONNX generators (and the router's backends) are comparable.</summary>
public sealed class EmbeddingFingerprintTests(MiniLmVariantsFixture variants) : IClassFixture<MiniLmVariantsFixture>
{
    private static OnnxEmbeddingGenerator Generator(string folder, string name) => new(new OnnxBackendOptions { ModelPath = folder, ModelId = name });

    [Fact]
    public async Task The_real_model_under_another_name_agrees_with_itself()
    {
        using var a = Generator(variants.Original, "all-MiniLM-L6-v2");
        using var b = Generator(variants.Original, "sentence-transformers/all-MiniLM-L6-v2");

        var first = await EmbeddingFingerprint.ComputeAsync(a);
        var second = await EmbeddingFingerprint.ComputeAsync(b);

        Assert.Equal(384, first.Dimensions);
        Assert.True(first.AgreesWith(second));
        Assert.True(first.LowestCosine(second) > 0.99999);
        EmbeddingFingerprint.ThrowIfIncompatible(
            new EmbeddingModelIdentity("all-MiniLM-L6-v2", 384) { Fingerprint = first },
            new EmbeddingModelIdentity("sentence-transformers/all-MiniLM-L6-v2", 384) { Fingerprint = second },
            "test");
    }

    [Theory]
    [InlineData("perturbed")]
    [InlineData("int8")]
    public async Task The_real_model_with_other_weights_under_the_same_name_is_refused_with_the_drift(string variant)
    {
        Assert.True(variants.PerturbedTensors > 50 && variants.QuantisedTensors > 50, $"{variants.PerturbedTensors} / {variants.QuantisedTensors} weight tensors rewritten");
        using var original = Generator(variants.Original, "all-MiniLM-L6-v2");
        using var other = Generator(variant == "int8" ? variants.Quantised : variants.Perturbed, "all-MiniLM-L6-v2");
        var recorded = new EmbeddingModelIdentity("all-MiniLM-L6-v2", 384) { Fingerprint = await EmbeddingFingerprint.ComputeAsync(original) };
        var offered = new EmbeddingModelIdentity("all-MiniLM-L6-v2", 384) { Fingerprint = await EmbeddingFingerprint.ComputeAsync(other) };

        var error = Assert.Throws<EmbeddingModelMismatchException>(() => EmbeddingFingerprint.ThrowIfIncompatible(recorded, offered, "RAG store 'x'"));

        Assert.NotNull(error.LowestProbeCosine);
        Assert.InRange(error.LowestProbeCosine!.Value, 0.5, EmbeddingFingerprint.MinimumCosine);
        Assert.Contains("lowest probe cosine is 0.", error.Message, StringComparison.Ordinal);
        Assert.Contains("drift", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_real_model_and_the_tiny_encoder_cannot_be_compared()
    {
        using var real = Generator(variants.Original, "all-MiniLM-L6-v2");
        using var tiny = Generator(TinyBertModel.FolderPath, "all-MiniLM-L6-v2");
        var recorded = new EmbeddingModelIdentity("all-MiniLM-L6-v2", 384) { Fingerprint = await EmbeddingFingerprint.ComputeAsync(real) };
        var offered = new EmbeddingModelIdentity("all-MiniLM-L6-v2", 32) { Fingerprint = await EmbeddingFingerprint.ComputeAsync(tiny) };

        var error = Assert.Throws<EmbeddingModelMismatchException>(() => EmbeddingFingerprint.ThrowIfIncompatible(recorded, offered, "test"));

        Assert.True(double.IsNaN(error.LowestProbeCosine!.Value));
        Assert.Contains("cannot be compared", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_router_falls_back_to_the_same_vectors_under_another_name_but_not_to_other_weights_under_the_same_name()
    {
        using var real = Generator(variants.Original, "all-MiniLM-L6-v2");
        using var primary = new FailingEmbeddingGenerator(real);
        await using var quantised = new OnnxBackend("onnx-int8", new OnnxBackendOptions { ModelPath = variants.Quantised, ModelId = "all-MiniLM-L6-v2" });
        await using var renamed = new OnnxBackend("onnx-renamed", new OnnxBackendOptions { ModelPath = variants.Original, ModelId = "all-minilm" });
        var manager = new BackendManager([new FakeBackend("primary", BackendCapabilities.Embeddings) { Embeddings = primary }, quantised, renamed]);
        using var router = new FallbackEmbeddingGenerator(manager);

        // Pinned (and fingerprinted) on the real model; when it goes down, the quantised copy of the same name is refused and
        // the renamed copy of the same weights stands in.
        var identity = await router.GetModelIdentityAsync();
        primary.Failure = new HttpRequestException("Connection refused");
        var result = await router.GenerateAsync(["The weather is lovely today."]);
        var expected = await real.GenerateAsync(["The weather is lovely today."]);

        Assert.Equal(("all-MiniLM-L6-v2", 384), (identity.Model, identity.Dimensions));
        Assert.NotNull(identity.Fingerprint);
        Assert.Equal("onnx-renamed", result.AdditionalProperties?[LocalAITelemetry.BackendTag]);
        VectorAssert.Close(expected[0].Vector.Span, result[0].Vector.Span, 1e-6f);
    }

    [Fact]
    public async Task With_only_other_weights_left_the_router_throws_a_mismatch_naming_the_drift()
    {
        using var real = Generator(variants.Original, "all-MiniLM-L6-v2");
        using var primary = new FailingEmbeddingGenerator(real);
        await using var perturbed = new OnnxBackend("onnx-perturbed", new OnnxBackendOptions { ModelPath = variants.Perturbed, ModelId = "all-MiniLM-L6-v2" });
        var manager = new BackendManager([new FakeBackend("primary", BackendCapabilities.Embeddings) { Embeddings = primary }, perturbed]);
        using var router = new FallbackEmbeddingGenerator(manager);

        await router.GetModelIdentityAsync();
        primary.Failure = new HttpRequestException("Connection refused");
        var error = await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() => router.GenerateAsync(["x"]));

        var inner = Assert.IsType<NoBackendAvailableException>(error.InnerException);
        Assert.Contains(inner.Attempts, a => a.BackendId == "onnx-perturbed" && a.Reason.Contains("drift", StringComparison.Ordinal) && a.Reason.Contains("lowest cosine 0.", StringComparison.Ordinal));
    }

    /// <summary>The real generator, failing on demand (fault injection for the router's fallback).</summary>
    private sealed class FailingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner) : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        public Exception? Failure { get; set; }

        public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Failure is { } failure ? Task.FromException<GeneratedEmbeddings<Embedding<float>>>(failure) : base.GenerateAsync(values, options, cancellationToken);
    }
}
