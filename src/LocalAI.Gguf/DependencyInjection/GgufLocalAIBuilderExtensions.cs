using LocalAI;
using LocalAI.Gguf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the in-process llama.cpp backend: <c>services.AddLocalAI(b =&gt; b.AddGguf(o =&gt; o.ModelPath = "model.gguf"))</c>.</summary>
public static class GgufLocalAIBuilderExtensions
{
    /// <summary>Adds the GGUF backend, with options bound from the <c>Gguf</c> section of the LocalAI configuration when present, then changed by <paramref name="configure"/>.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    /// <param name="configure">Changes the options in code.</param>
    /// <returns>The builder, to keep composing.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ILocalAIBuilder AddGguf(this ILocalAIBuilder builder, Action<GgufBackendOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new GgufBackendOptions();
        builder.Configuration?.GetSection("Gguf").Bind(options);
        configure?.Invoke(options);
        options.Validate();
        return builder.AddBackend(options.BackendId, sp => new GgufBackend(
            options,
            sp.GetService<ILogger<GgufBackend>>(),
            sp.GetService<TimeProvider>()));
    }
}
