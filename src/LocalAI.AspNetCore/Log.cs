using Microsoft.Extensions.Logging;

namespace LocalAI.AspNetCore;

/// <summary>Log messages of the HTTP endpoints.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "{Method} {Path}: the client went away; the backend's generation was cancelled")]
    public static partial void ClientDisconnected(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "{Method} {Path} answered {Status}: {Message}")]
    public static partial void RequestFailed(ILogger logger, string method, string path, int status, string message);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    public static partial void RequestCrashed(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Warning, Message = "{Method} {Path}: the stream failed after it started")]
    public static partial void StreamFailed(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 8005, Level = LogLevel.Warning, Message = "{Method} {Path}: the request timed out after {Timeout}")]
    public static partial void TimedOut(ILogger logger, string method, string path, TimeSpan timeout);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Warning, Message = "{Path}: refused a request without a valid API key")]
    public static partial void Unauthorized(ILogger logger, string path);

    [LoggerMessage(EventId = 8007, Level = LogLevel.Warning, Message = "A council session failed")]
    public static partial void CouncilFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 8008, Level = LogLevel.Information, Message = "{Path}: the WebSocket client closed the connection; the council session was stopped")]
    public static partial void WebSocketClosed(ILogger logger, string path);
}
