using Microsoft.Extensions.Logging;

namespace LocalAI.AspNetCore;

/// <summary>The management endpoints' log messages (event ids 8100-8199).</summary>
internal static partial class ManagementLog
{
    [LoggerMessage(8100, LogLevel.Debug, "Backend {BackendId} changed: available {IsAvailable}, circuit {Circuit}")]
    public static partial void StatusChanged(ILogger logger, string backendId, bool isAvailable, BackendCircuitState circuit);

    [LoggerMessage(8101, LogLevel.Warning, "Refreshing the backend status failed; trying again on the next tick")]
    public static partial void RefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(8102, LogLevel.Information, "Pulling model {Model} on backend {BackendId}")]
    public static partial void Pulling(ILogger logger, string model, string backendId);

    [LoggerMessage(8103, LogLevel.Warning, "Pulling model {Model} on backend {BackendId} failed")]
    public static partial void PullFailed(ILogger logger, string model, string backendId, Exception exception);

    [LoggerMessage(8104, LogLevel.Information, "Pulling model {Model} on backend {BackendId} was cancelled")]
    public static partial void PullCancelled(ILogger logger, string model, string backendId);

    [LoggerMessage(8105, LogLevel.Information, "Deleted model {Model} on backend {BackendId}")]
    public static partial void Deleted(ILogger logger, string model, string backendId);
}
