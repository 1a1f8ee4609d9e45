using LocalAI;
using LocalAI.Gguf;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the in-process llama.cpp backend: <c>services.AddLocalAI(b =&gt; b.AddGguf(o =&gt; o.ModelPath = "model.gguf"))</c>.</summary>
public static class GgufLocalAIBuilderExtensions
{
    /// <summary>Adds the GGUF backend under the id <see cref="GgufBackend.DefaultId"/> (<c>gguf</c>), with options bound from <c>LocalAI:gguf</c>, then changed by <paramref name="configure"/>.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    /// <param name="configure">Changes the options in code, after configuration binding.</param>
    /// <returns>The builder, to keep composing.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A backend with the id <c>gguf</c> is already registered.</exception>
    public static ILocalAIBuilder AddGguf(this ILocalAIBuilder builder, Action<GgufBackendOptions>? configure = null) =>
        builder.AddGguf(GgufBackend.DefaultId, configure);

    /// <summary>Adds a GGUF backend under <paramref name="id"/>, with options bound from <c>LocalAI:&lt;id&gt;</c>, then changed by <paramref name="configure"/>, validated at start.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    /// <param name="id">The backend id: the keyed-service key, the configuration sub-section and the provider name its clients report.</param>
    /// <param name="configure">Changes the options in code, after configuration binding.</param>
    /// <returns>The builder, to keep composing.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty, or a backend with that id is already registered.</exception>
    public static ILocalAIBuilder AddGguf(this ILocalAIBuilder builder, string id, Action<GgufBackendOptions>? configure = null) =>
        builder.AddLocalBackend<GgufBackendOptions, GgufBackendOptionsValidator>(id, configure,
            static (sp, id, options) => new GgufBackend(id, options, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
}
