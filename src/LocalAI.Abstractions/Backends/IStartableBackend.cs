namespace LocalAI;

/// <summary>A backend that starts something before it can answer (a server process, a sidecar) and may take longer to start than one availability probe may take; implemented next to <see cref="ILocalBackend"/>.</summary>
/// <remarks>The router awaits <see cref="StartAsync"/> for up to <see cref="StartupTimeout"/> before it probes, so a slow start is not reported as a probe that did not answer.</remarks>
public interface IStartableBackend
{
    /// <summary>Gets how long <see cref="StartAsync"/> may take before the backend gives up and fails it.</summary>
    TimeSpan StartupTimeout { get; }

    /// <summary>Starts the backend unless it runs already, and waits until it is ready to answer.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the backend is ready.</returns>
    /// <exception cref="BackendUnavailableException">The backend could not start, or did not become ready within <see cref="StartupTimeout"/>.</exception>
    Task StartAsync(CancellationToken cancellationToken = default);
}
