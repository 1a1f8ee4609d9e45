using LocalAI;
using LocalAI.Onnx;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ONNX Runtime embedding backend: <c>services.AddLocalAI(b => b.AddOnnxEmbeddings(o => o.ModelPath = "models/all-MiniLM-L6-v2"))</c>.</summary>
public static class OnnxLocalAIBuilderExtensions
{
    /// <summary>Adds the <c>onnx</c> backend (sentence embeddings in-process), with options bound from <c>LocalAI:onnx</c>, and its keyed <see cref="Microsoft.Extensions.AI.IEmbeddingGenerator{TInput, TEmbedding}"/> (key <c>onnx</c>) for its default model.</summary>
    /// <param name="builder">The builder <c>AddLocalAI</c> handed out.</param>
    /// <param name="configure">Sets the options in code, after the configuration section is bound.</param>
    /// <returns>The builder, to keep adding backends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ILocalAIBuilder AddOnnxEmbeddings(this ILocalAIBuilder builder, Action<OnnxBackendOptions>? configure = null) =>
        builder.AddOnnxEmbeddings(OnnxBackend.DefaultId, configure);

    /// <summary>Adds an ONNX Runtime backend under <paramref name="id"/>, with options bound from <c>LocalAI:&lt;id&gt;</c>, and its keyed <see cref="Microsoft.Extensions.AI.IEmbeddingGenerator{TInput, TEmbedding}"/> (key <paramref name="id"/>).</summary>
    /// <param name="builder">The builder <c>AddLocalAI</c> handed out.</param>
    /// <param name="id">The backend id: the keyed-service key, the configuration sub-section and the name the router reports.</param>
    /// <param name="configure">Sets the options in code, after the configuration section is bound.</param>
    /// <returns>The builder, to keep adding backends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty, or a backend with that id is already registered.</exception>
    public static ILocalAIBuilder AddOnnxEmbeddings(this ILocalAIBuilder builder, string id, Action<OnnxBackendOptions>? configure = null) =>
        builder.AddLocalBackend<OnnxBackendOptions, OnnxBackendOptionsValidator>(id, configure,
            static (sp, id, options) => new OnnxBackend(id, options, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
}
