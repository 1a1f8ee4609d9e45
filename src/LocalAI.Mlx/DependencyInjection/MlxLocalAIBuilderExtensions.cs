using LocalAI;
using LocalAI.Mlx;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MLX backend: <c>services.AddLocalAI(b => b.AddMlx())</c>.</summary>
public static class MlxLocalAIBuilderExtensions
{
    /// <summary>Adds the MLX backend (id <c>mlx</c>), with options bound from <c>LocalAI:mlx</c> and then changed by <paramref name="configure"/>.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    /// <param name="configure">Changes the options after configuration binding; <see langword="null"/> for none.</param>
    /// <returns>The builder, to keep adding backends.</returns>
    /// <remarks>
    /// Backends are tried in registration order unless <c>LocalAI:Priority</c> says otherwise: add MLX first to prefer it where it is available.
    /// The options are validated when the application starts (or the backend is first resolved); an option out of range fails with an
    /// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> that names its key.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ILocalAIBuilder AddMlx(this ILocalAIBuilder builder, Action<MlxBackendOptions>? configure = null) =>
        builder.AddMlx(MlxBackend.DefaultId, configure);

    /// <summary>Adds an MLX backend with id <paramref name="id"/>, with options bound from <c>LocalAI:&lt;id&gt;</c> and then changed by <paramref name="configure"/>.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    /// <param name="id">The backend id, also its configuration section under <c>LocalAI</c>.</param>
    /// <param name="configure">Changes the options after configuration binding; <see langword="null"/> for none.</param>
    /// <returns>The builder, to keep adding backends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty, or a backend with that id is already registered.</exception>
    public static ILocalAIBuilder AddMlx(this ILocalAIBuilder builder, string id, Action<MlxBackendOptions>? configure = null) =>
        builder.AddLocalBackend<MlxBackendOptions, MlxBackendOptionsValidator>(id, configure,
            static (sp, id, options) => new MlxBackend(id, options, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
}
