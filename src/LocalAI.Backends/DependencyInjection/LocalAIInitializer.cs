using Microsoft.Extensions.Hosting;

namespace LocalAI;

/// <summary>Probes the backends when the host starts, so the log names the active backend once, at start.</summary>
internal sealed class LocalAIInitializer(BackendManager manager) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => manager.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
