using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LocalAI;

/// <summary>The <see cref="ILocalAIBuilder"/> that <c>AddLocalAI</c> hands out.</summary>
internal sealed class LocalAIBuilder(IServiceCollection services, IConfiguration? configuration) : ILocalAIBuilder
{
    public IServiceCollection Services { get; } = services;

    public IConfiguration? Configuration { get; } = configuration;

    public ILocalAIBuilder AddBackend(string id, Func<IServiceProvider, ILocalBackend> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(factory);
        var order = 0;
        foreach (var descriptor in Services)
        {
            if (descriptor.ServiceType == typeof(LocalBackendRegistration) && descriptor.ImplementationInstance is LocalBackendRegistration existing)
            {
                if (string.Equals(existing.Id, id, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ArgumentException($"A backend with id '{id}' is already registered; give the second one another id.", nameof(id));
                }

                order++;
            }
        }

        Services.AddSingleton(new LocalBackendRegistration(id, order));
        Services.AddKeyedSingleton(id, (sp, _) =>
        {
            var backend = factory(sp);
            if (!string.Equals(backend.Id, id, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"The factory registered for backend '{id}' created a backend with id '{backend.Id}'.");
            }

            return backend;
        });
        Services.AddHealthChecks().Add(new HealthCheckRegistration(
            "localai-" + id,
            sp => new BackendHealthCheck(sp.GetRequiredService<BackendManager>(), id),
            failureStatus: null,
            tags: ["localai", id]));
        return this;
    }
}
