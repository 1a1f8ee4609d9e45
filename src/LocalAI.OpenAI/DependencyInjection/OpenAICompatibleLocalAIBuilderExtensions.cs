using LocalAI;
using LocalAI.OpenAI;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers OpenAI-compatible servers as backends: <c>services.AddLocalAI(b => b.AddOpenAICompatible("llamaserver", o => o.Endpoint = ...))</c>.</summary>
public static class OpenAICompatibleLocalAIBuilderExtensions
{
    /// <summary>Adds a backend (id <c>openai</c>) over an OpenAI-compatible server, with settings from <c>LocalAI:openai</c> and then <paramref name="configure"/>.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    /// <param name="configure">Changes the settings after configuration binding; <see langword="null"/> for none.</param>
    /// <returns>The builder, to keep adding backends.</returns>
    /// <remarks>The settings are validated when the application starts (or the backend is first resolved); a setting out of range fails with an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> that names its key.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ILocalAIBuilder AddOpenAICompatible(this ILocalAIBuilder builder, Action<OpenAICompatibleBackendOptions>? configure = null) =>
        builder.AddOpenAICompatible(OpenAICompatibleBackend.DefaultId, configure);

    /// <summary>Adds a backend with id <paramref name="id"/> over an OpenAI-compatible server, with settings from <c>LocalAI:&lt;id&gt;</c> and then <paramref name="configure"/>; several ids may be registered.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    /// <param name="id">The backend id, also its configuration section under <c>LocalAI</c>.</param>
    /// <param name="configure">Changes the settings after configuration binding; <see langword="null"/> for none.</param>
    /// <returns>The builder, to keep adding backends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty, or a backend with that id is already registered.</exception>
    public static ILocalAIBuilder AddOpenAICompatible(this ILocalAIBuilder builder, string id, Action<OpenAICompatibleBackendOptions>? configure = null) =>
        builder.AddLocalBackend<OpenAICompatibleBackendOptions, OpenAICompatibleBackendOptionsValidator>(id, configure,
            static (sp, id, options) => new OpenAICompatibleBackend(id, options, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
}
