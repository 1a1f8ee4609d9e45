using LocalAI.AspNetCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what <c>MapLocalAI()</c> needs: <c>services.AddLocalAI(...); services.AddLocalAIServer(o => o.ApiKey = ...)</c>.</summary>
public static class LocalAIServerServiceCollectionExtensions
{
    /// <summary>Registers the HTTP endpoints' services and options, validated at start.</summary>
    /// <param name="services">The service collection; <c>AddLocalAI</c> registers the backends the endpoints serve.</param>
    /// <param name="configure">Changes the options in code, after configuration binding.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddLocalAIServer(this IServiceCollection services, Action<LocalAIServerOptions>? configure = null) =>
        AddCore(services, null, configure);

    /// <summary>Registers the HTTP endpoints' services with options bound from a configuration section (usually <c>configuration.GetSection("LocalAI:Server")</c>).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section to bind <see cref="LocalAIServerOptions"/> from.</param>
    /// <param name="configure">Changes the options in code, after configuration binding.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddLocalAIServer(this IServiceCollection services, IConfiguration configuration, Action<LocalAIServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, configuration, configure);
    }

    private static IServiceCollection AddCore(IServiceCollection services, IConfiguration? configuration, Action<LocalAIServerOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<LocalAIServerOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LocalAIServerOptions>, LocalAIServerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RequestRunner>();
        services.TryAddSingleton<SystemSampler>();
        services.TryAddSingleton<ModelDirectory>();
        services.AddHealthChecks();
        return services;
    }
}
