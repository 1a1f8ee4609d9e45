using LocalAI;
using LocalAI.Onnx;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ONNX Runtime embedding backend: <c>services.AddLocalAI(b => b.AddOnnxEmbeddings(o => o.ModelPath = "models/all-MiniLM-L6-v2"))</c>.</summary>
public static class OnnxLocalAIBuilderExtensions
{
    /// <summary>Adds the <c>onnx</c> backend (sentence embeddings in-process) and a keyed <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> (key <c>onnx</c>) for its default model.</summary>
    /// <param name="builder">The builder <c>AddLocalAI</c> handed out.</param>
    /// <param name="configure">Sets the options in code, after the <c>Onnx</c> configuration section is bound.</param>
    /// <returns>The builder, to keep adding backends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ILocalAIBuilder AddOnnxEmbeddings(this ILocalAIBuilder builder, Action<OnnxEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<OnnxEmbeddingOptions>();
        if (builder.Configuration?.GetSection("Onnx") is { } section)
        {
            options.Bind(section);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OnnxEmbeddingOptions>, OnnxEmbeddingOptionsValidator>());
        builder.AddBackend(OnnxBackend.BackendId, sp => new OnnxBackend(
            sp.GetRequiredService<IOptions<OnnxEmbeddingOptions>>().Value,
            sp.GetService<ILoggerFactory>()?.CreateLogger<OnnxBackend>(),
            null,
            sp.GetService<TimeProvider>()));
        builder.Services.TryAddKeyedSingleton<IEmbeddingGenerator<string, Embedding<float>>>(
            OnnxBackend.BackendId,
            (sp, _) => sp.GetRequiredKeyedService<ILocalBackend>(OnnxBackend.BackendId).GetEmbeddingGenerator());
        return builder;
    }
}
