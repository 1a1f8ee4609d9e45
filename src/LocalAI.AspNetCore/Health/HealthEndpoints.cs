using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LocalAI.AspNetCore;

/// <summary><c>GET /health</c> (the ASP.NET Core health checks of the backends), <c>/health/backends</c> and <c>/health/system</c>.</summary>
internal static class HealthEndpoints
{
    public static Task HealthAsync(HttpContext context) =>
        context.RequestServices.GetRequiredService<RequestRunner>().RunAsync(context, static async (c, ct) =>
        {
            var service = c.RequestServices.GetRequiredService<HealthCheckService>();
            var report = await service.CheckHealthAsync(r => r.Tags.Contains("localai"), ct).ConfigureAwait(false);
            var body = new HealthReportResponse
            {
                Status = report.Status.ToString(),
                TotalDurationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 3),
                Checks = report.Entries.ToDictionary(e => e.Key, e => new HealthEntryResponse
                {
                    Status = e.Value.Status.ToString(),
                    Description = e.Value.Description,
                    DurationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 3),
                    Data = e.Value.Data.Count == 0 ? null : e.Value.Data.ToDictionary(d => d.Key, d => Convert.ToString(d.Value, CultureInfo.InvariantCulture) ?? string.Empty),
                }),
            };
            var status = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
            await RequestRunner.WriteJsonAsync(c, body, HealthJsonContext.Default.HealthReportResponse, status).ConfigureAwait(false);
        });

    public static Task BackendsAsync(HttpContext context) =>
        context.RequestServices.GetRequiredService<RequestRunner>().RunAsync(context, static async (c, ct) =>
        {
            var manager = c.RequestServices.GetRequiredService<BackendManager>();
            var refresh = string.Equals(c.Request.Query["refresh"], "true", StringComparison.OrdinalIgnoreCase);
            var statuses = await manager.GetAllStatusAsync(refresh, ct).ConfigureAwait(false);
            var models = await BackendModels.ListAsync(manager, ct).ConfigureAwait(false);
            var active = await manager.GetActiveBackendAsync(BackendCapabilities.Chat, ct).ConfigureAwait(false);
            var backends = new List<BackendHealthResponse>(statuses.Count);
            for (var i = 0; i < statuses.Count; i++)
            {
                var status = statuses[i];
                var backend = manager.GetBackend(status.BackendId);
                backends.Add(new BackendHealthResponse
                {
                    Id = status.BackendId,
                    Priority = i,
                    Available = status.IsAvailable,
                    Preferred = string.Equals(manager.PreferredBackendId, status.BackendId, StringComparison.OrdinalIgnoreCase),
                    Version = status.Version,
                    Reason = status.Reason,
                    ProbeLatencyMs = Math.Round(status.ProbeLatency.TotalMilliseconds, 3),
                    Circuit = manager.GetCircuitState(status.BackendId).ToString(),
                    CheckedAt = status.CheckedAt,
                    Capabilities = BackendModels.Names(backend.Capabilities),
                    Models = models.Where(m => string.Equals(m.Model.BackendId, status.BackendId, StringComparison.OrdinalIgnoreCase)).Select(m => m.Model.Id).ToList(),
                });
            }

            await RequestRunner.WriteJsonAsync(c, new BackendsHealthResponse { Active = active?.Id, Backends = backends }, HealthJsonContext.Default.BackendsHealthResponse).ConfigureAwait(false);
        });

    public static Task SystemAsync(HttpContext context) =>
        context.RequestServices.GetRequiredService<RequestRunner>().RunAsync(context, static (c, _) =>
            RequestRunner.WriteJsonAsync(c, c.RequestServices.GetRequiredService<SystemSampler>().Sample(), HealthJsonContext.Default.SystemHealthResponse));
}
