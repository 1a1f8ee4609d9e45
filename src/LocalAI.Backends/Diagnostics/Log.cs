using Microsoft.Extensions.Logging;

namespace LocalAI;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "LocalAI active backend: {BackendId} (order: {Order})")]
    public static partial void ActiveBackend(ILogger logger, string backendId, string order);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "LocalAI has no available backend (order: {Order})")]
    public static partial void NoActiveBackend(ILogger logger, string order);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Backend {BackendId} failed before any output; falling back: {Reason}")]
    public static partial void FallingBack(ILogger logger, string backendId, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Backend {BackendId} is now {Availability}: {Reason}")]
    public static partial void AvailabilityChanged(ILogger logger, string backendId, string availability, string? reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Circuit of backend {BackendId} opened for {BreakDuration}")]
    public static partial void CircuitOpened(ILogger logger, string backendId, TimeSpan breakDuration);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Circuit of backend {BackendId} is {State}")]
    public static partial void CircuitChanged(ILogger logger, string backendId, string state);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Switched preferred backend to {BackendId}")]
    public static partial void Switched(ILogger logger, string backendId);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "Backend {BackendId} served {Operation}")]
    public static partial void Served(ILogger logger, string backendId, string operation);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Every backend is cooling down; waiting {Delay} for {BackendId}")]
    public static partial void WaitingForRecovery(ILogger logger, string backendId, TimeSpan delay);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Probe of backend {BackendId} failed")]
    public static partial void ProbeFailed(ILogger logger, string backendId, Exception exception);
}
