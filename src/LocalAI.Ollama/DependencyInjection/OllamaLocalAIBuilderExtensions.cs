using LocalAI;
using LocalAI.Ollama;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Ollama backends: <c>services.AddLocalAI(b => b.AddOllama())</c>.</summary>
public static class OllamaLocalAIBuilderExtensions
{
    /// <summary>Adds a backend (id <c>ollama</c>) over one or several Ollama servers someone else runs, with settings from <c>LocalAI:ollama</c> and then <paramref name="configure"/>.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    /// <param name="configure">Changes the settings after configuration binding; <see langword="null"/> for none.</param>
    /// <returns>The builder, to keep adding backends.</returns>
    /// <remarks>The settings are validated when the application starts (or the backend is first resolved); a setting out of range fails with an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> that names its key.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ILocalAIBuilder AddOllama(this ILocalAIBuilder builder, Action<OllamaBackendOptions>? configure = null) =>
        builder.AddOllama(OllamaBackend.DefaultId, configure);

    /// <summary>Adds a backend with id <paramref name="id"/> over one or several Ollama servers someone else runs, with settings from <c>LocalAI:&lt;id&gt;</c> and then <paramref name="configure"/>.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    /// <param name="id">The backend id, also its configuration section under <c>LocalAI</c>.</param>
    /// <param name="configure">Changes the settings after configuration binding; <see langword="null"/> for none.</param>
    /// <returns>The builder, to keep adding backends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty, or a backend with that id is already registered.</exception>
    public static ILocalAIBuilder AddOllama(this ILocalAIBuilder builder, string id, Action<OllamaBackendOptions>? configure = null) =>
        builder.AddLocalBackend<OllamaBackendOptions, OllamaBackendOptionsValidator>(id, configure,
            static (sp, id, options) => new OllamaBackend(id, options, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));

    /// <summary>Adds a backend (id <c>ollama</c>) over several Ollama servers; requests go to the one with the fewest in flight.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    /// <param name="endpoints">The servers; they replace any configured ones.</param>
    /// <param name="configure">Changes the other settings; <see langword="null"/> for none.</param>
    /// <returns>The builder, to keep adding backends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="endpoints"/> is <see langword="null"/>.</exception>
    public static ILocalAIBuilder AddOllama(this ILocalAIBuilder builder, IEnumerable<Uri> endpoints, Action<OllamaBackendOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var list = endpoints.ToList();
        return builder.AddOllama(o =>
        {
            o.Endpoints = list;
            configure?.Invoke(o);
        });
    }

    /// <summary>Adds a backend (id <c>ollama-embedded</c>) over an Ollama server the SDK runs itself (<c>ollama serve</c> on a loopback port), with settings from <c>LocalAI:ollama-embedded</c> and then <paramref name="configure"/>.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    /// <param name="configure">Changes the settings after configuration binding; <see langword="null"/> for none.</param>
    /// <returns>The builder, to keep adding backends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ILocalAIBuilder AddOllamaEmbedded(this ILocalAIBuilder builder, Action<OllamaEmbeddedBackendOptions>? configure = null) =>
        builder.AddOllamaEmbedded(OllamaEmbeddedBackend.DefaultId, configure);

    /// <summary>Adds a backend with id <paramref name="id"/> over an Ollama server the SDK runs itself, with settings from <c>LocalAI:&lt;id&gt;</c> and then <paramref name="configure"/>.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    /// <param name="id">The backend id, also its configuration section under <c>LocalAI</c>.</param>
    /// <param name="configure">Changes the settings after configuration binding; <see langword="null"/> for none.</param>
    /// <returns>The builder, to keep adding backends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty, or a backend with that id is already registered.</exception>
    public static ILocalAIBuilder AddOllamaEmbedded(this ILocalAIBuilder builder, string id, Action<OllamaEmbeddedBackendOptions>? configure = null) =>
        builder.AddLocalBackend<OllamaEmbeddedBackendOptions, OllamaEmbeddedBackendOptionsValidator>(id, configure,
            static (sp, id, options) => new OllamaEmbeddedBackend(id, options, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
}
