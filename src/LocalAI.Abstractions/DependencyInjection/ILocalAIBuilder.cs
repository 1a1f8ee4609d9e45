using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI;

/// <summary>What <c>services.AddLocalAI(...)</c> hands to each backend package's <c>AddXxx()</c> extension.</summary>
public interface ILocalAIBuilder
{
    /// <summary>Gets the service collection being configured.</summary>
    IServiceCollection Services { get; }

    /// <summary>Gets the <c>LocalAI</c> configuration section, when <c>AddLocalAI</c> was given one; backend packages bind their own sub-section from it.</summary>
    IConfiguration? Configuration { get; }

    /// <summary>Registers a backend; backends are tried in the order they are added unless <c>LocalAI:Priority</c> says otherwise.</summary>
    /// <param name="id">The backend's unique identifier, also its keyed-service key.</param>
    /// <param name="factory">Creates the backend once, as a singleton.</param>
    /// <returns>This builder, to keep composing.</returns>
    /// <exception cref="ArgumentException">A backend with the same <paramref name="id"/> is already registered.</exception>
    ILocalAIBuilder AddBackend(string id, Func<IServiceProvider, ILocalBackend> factory);
}
