using Microsoft.Extensions.Logging;

namespace LocalAI;

internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "LocalAI active backend: {BackendId} (order: {Order})")]
    public static partial void ActiveBackend(ILogger logger, string backendId, string order);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "LocalAI has no available backend (order: {Order})")]
    public static partial void NoActiveBackend(ILogger logger, string order);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Backend {BackendId} failed before any output; falling back: {Reason}")]
    public static partial void FallingBack(ILogger logger, string backendId, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Backend {BackendId} is now {Availability}: {Reason}")]
    public static partial void AvailabilityChanged(ILogger logger, string backendId, string availability, string? reason);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Circuit of backend {BackendId} opened for {BreakDuration}")]
    public static partial void CircuitOpened(ILogger logger, string backendId, TimeSpan breakDuration);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Circuit of backend {BackendId} is {State}")]
    public static partial void CircuitChanged(ILogger logger, string backendId, string state);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Switched preferred backend to {BackendId}")]
    public static partial void Switched(ILogger logger, string backendId);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Debug, Message = "Backend {BackendId} served {Operation}")]
    public static partial void Served(ILogger logger, string backendId, string operation);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information, Message = "Every backend is cooling down; waiting {Delay} for {BackendId}")]
    public static partial void WaitingForRecovery(ILogger logger, string backendId, TimeSpan delay);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Probe of backend {BackendId} failed")]
    public static partial void ProbeFailed(ILogger logger, string backendId, Exception exception);
}
