using LocalAI.AspNetCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what <see cref="Microsoft.AspNetCore.Builder.LocalAIManagementEndpointRouteBuilderExtensions.MapLocalAIManagement"/> needs.</summary>
public static class LocalAIManagementServiceCollectionExtensions
{
    /// <summary>Registers the backend status feed (and its background re-probing while clients listen) and the management options.</summary>
    /// <param name="services">The service collection; <c>AddLocalAI()</c> registers the backends.</param>
    /// <param name="configuration">The <c>LocalAI:Management</c> section, or <see langword="null"/>.</param>
    /// <param name="configure">Changes the options after binding, or <see langword="null"/>.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddLocalAIManagement(this IServiceCollection services, IConfiguration? configuration = null, Action<LocalAIManagementOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<LocalAIManagementOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LocalAIManagementOptions>, LocalAIManagementOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BackendStatusFeed>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, BackendStatusFeed>(sp => sp.GetRequiredService<BackendStatusFeed>()));
        return services;
    }
}
