using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LocalAI;

/// <summary>Reports one backend's availability and circuit state as a health check named <c>localai-&lt;id&gt;</c>.</summary>
internal sealed class BackendHealthCheck(BackendManager manager, string backendId) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = await manager.GetStatusAsync(backendId, refresh: false, cancellationToken).ConfigureAwait(false);
        var circuit = manager.GetCircuitState(backendId);
        var data = new Dictionary<string, object>
        {
            ["version"] = status.Version ?? string.Empty,
            ["probeLatencyMs"] = status.ProbeLatency.TotalMilliseconds,
            ["circuit"] = circuit.ToString(),
            ["models"] = status.Models.Count,
        };
        if (!status.IsAvailable)
        {
            return new HealthCheckResult(context?.Registration.FailureStatus ?? HealthStatus.Unhealthy, status.Reason, data: data);
        }

        return circuit == BackendCircuitState.Closed
            ? HealthCheckResult.Healthy($"{backendId} {status.Version}".TrimEnd(), data)
            : HealthCheckResult.Degraded($"circuit {circuit}", data: data);
    }
}
