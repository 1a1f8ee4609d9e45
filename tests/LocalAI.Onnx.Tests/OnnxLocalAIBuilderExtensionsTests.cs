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

        var router = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var keyed = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("onnx");
        var viaRouter = await router.GenerateAsync([Fixtures.ReferenceCases[0].Text]);
        var direct = await keyed.GenerateAsync([Fixtures.ReferenceCases[0].Text]);

        Assert.NotNull(keyed.GetService<OnnxEmbeddingGenerator>());
        Assert.Equal(new EmbeddingModelIdentity("tiny-bert-st", 32), EmbeddingModelIdentity.FromGenerator(router));
        VectorAssert.Close(Fixtures.ReferenceCases[0].Embedding, viaRouter[0].Vector.Span, 1e-5f);
        VectorAssert.Close(Fixtures.ReferenceCases[0].Embedding, direct[0].Vector.Span, 1e-5f);
    }

    [Fact]
    public async Task Options_are_bound_from_the_Onnx_section_and_code_wins()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Onnx:ModelPath"] = Fixtures.TinyBert,
            ["Onnx:MaxBatchSize"] = "8",
            ["Onnx:IntraOpNumThreads"] = "1",
            ["Onnx:Pooling"] = "Cls",
        }).Build();
        var services = new ServiceCollection();
        services.AddLocalAI(configuration, b => b.AddOnnxEmbeddings(o => o.IntraOpNumThreads = 2));
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<OnnxEmbeddingOptions>>().Value;

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

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OnnxEmbeddingOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("ModelPath", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("MaxBatchSize", StringComparison.Ordinal));
    }
}
