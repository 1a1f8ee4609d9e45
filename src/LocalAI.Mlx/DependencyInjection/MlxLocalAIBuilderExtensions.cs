using LocalAI;
using LocalAI.Mlx;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MLX backend: <c>services.AddLocalAI(b => b.AddMlx())</c>.</summary>
public static class MlxLocalAIBuilderExtensions
{
    /// <summary>Adds the MLX backend (id <c>mlx</c>), with options bound from the <c>Mlx</c> sub-section of the LocalAI configuration when there is one, then changed by <paramref name="configure"/>.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    /// <param name="configure">Changes the options; <see langword="null"/> for none.</param>
    /// <returns>The builder, to keep adding backends.</returns>
    /// <remarks>Backends are tried in registration order unless <c>LocalAI:Priority</c> says otherwise: add MLX first to prefer it where it is available.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public static ILocalAIBuilder AddMlx(this ILocalAIBuilder builder, Action<MlxBackendOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new MlxBackendOptions();
        builder.Configuration?.GetSection(MlxBackendOptions.SectionName).Bind(options);
        configure?.Invoke(options);
        options.Validate();
        return builder.AddBackend(MlxBackend.DefaultId, sp => new MlxBackend(options, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
    }
}
