using LocalAI.Onnx.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LocalAI.Onnx.Tests;

public sealed class OnnxLocalAIBuilderExtensionsTests
{
    [Fact]
    public async Task AddOnnxEmbeddings_serves_the_router_and_a_keyed_generator_with_the_reference_vectors()
    {
        var services = new ServiceCollection();
        services.AddLocalAI(b => b.AddOnnxEmbeddings(o => o.ModelPath = Fixtures.TinyBert));
        await using var provider = services.BuildServiceProvider();

        // The keyed generator is the backend's own: resolving it reads nothing, its first call loads the model.
        var keyed = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("onnx");
        Assert.Null(keyed.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelDimensions);
        var direct = await keyed.GenerateAsync([Fixtures.ReferenceCases[0].Text]);
        var router = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var viaRouter = await router.GenerateAsync([Fixtures.ReferenceCases[0].Text]);

        Assert.NotNull(keyed.GetService<OnnxEmbeddingGenerator>());
        Assert.Equal(new EmbeddingModelIdentity("tiny-bert-st", 32), EmbeddingModelIdentity.FromGenerator(keyed));
        Assert.Equal(new EmbeddingModelIdentity("tiny-bert-st", 32), EmbeddingModelIdentity.FromGenerator(router));
        VectorAssert.Close(Fixtures.ReferenceCases[0].Embedding, viaRouter[0].Vector.Span, 1e-5f);
        VectorAssert.Close(Fixtures.ReferenceCases[0].Embedding, direct[0].Vector.Span, 1e-5f);
    }

    [Fact]
    public async Task Options_are_bound_from_the_section_named_after_the_backend_id_and_code_wins()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["onnx:ModelPath"] = Fixtures.TinyBert,
            ["onnx:MaxBatchSize"] = "8",
            ["onnx:IntraOpNumThreads"] = "1",
            ["onnx:Pooling"] = "Cls",
        }).Build();
        var services = new ServiceCollection();
        services.AddLocalAI(configuration, b => b.AddOnnxEmbeddings(o => o.IntraOpNumThreads = 2));
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<OnnxBackendOptions>>().Get(OnnxBackend.DefaultId);

        Assert.Equal(Fixtures.TinyBert, options.ModelPath);
        Assert.Equal(8, options.MaxBatchSize);
        Assert.Equal(2, options.IntraOpNumThreads);
        Assert.Equal(OnnxPoolingMode.Cls, options.Pooling);
    }

    [Fact]
    public async Task Invalid_options_fail_validation()
    {
        var services = new ServiceCollection();
        services.AddLocalAI(b => b.AddOnnxEmbeddings(o => o.MaxBatchSize = 0));
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<OnnxBackendOptions>>().Get(OnnxBackend.DefaultId));

        Assert.Contains(error.Failures, f => f.Contains("LocalAI:onnx:ModelPath", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("LocalAI:onnx:MaxBatchSize is 0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_backend_under_its_own_id_binds_its_own_section_and_serves_its_own_keyed_generator()
    {
        using var models = Fixtures.CopyTinyBert("small-encoder");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["onnx:ModelPath"] = Fixtures.TinyBert,
            ["onnx-small:ModelPath"] = Path.Combine(models.Path, "small-encoder"),
        }).Build();
        var services = new ServiceCollection();
        services.AddLocalAI(configuration, b => b.AddOnnxEmbeddings().AddOnnxEmbeddings("onnx-small"));
        await using var provider = services.BuildServiceProvider();

        var backend = provider.GetRequiredKeyedService<ILocalBackend>("onnx-small");
        var keyed = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("onnx-small");
        var result = await keyed.GenerateAsync(["a"]);

        Assert.Equal("onnx-small", backend.Id);
        Assert.Equal("onnx-small", keyed.GetService<EmbeddingGeneratorMetadata>()!.ProviderName);
        Assert.Equal("small-encoder", result[0].ModelId);
        Assert.Equal(OnnxBackend.DefaultId, provider.GetRequiredKeyedService<ILocalBackend>(OnnxBackend.DefaultId).Id);
    }

    [Fact]
    public void Direct_construction_fails_with_the_messages_of_the_validator()
    {
        var error = Assert.Throws<ArgumentException>(() => new OnnxBackend("onnx-small", new OnnxBackendOptions { MaxBatchSize = 0 }));

        Assert.Contains("LocalAI:onnx-small:ModelPath", error.Message, StringComparison.Ordinal);
        Assert.Contains("LocalAI:onnx-small:MaxBatchSize is 0", error.Message, StringComparison.Ordinal);
    }
}
