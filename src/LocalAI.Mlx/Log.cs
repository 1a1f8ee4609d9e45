using Microsoft.Extensions.Logging;

namespace LocalAI.Mlx;

/// <summary>Log messages of the MLX backend.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Starting the MLX sidecar: {Python} {Script}")]
    public static partial void Starting(ILogger logger, string python, string script);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "MLX sidecar (pid {Pid}) ready in {ElapsedMs} ms, engine {Engine}")]
    public static partial void Started(ILogger logger, int pid, long elapsedMs, string? engine);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "MLX sidecar (pid {Pid}) exited with code {ExitCode}; {InFlight} request(s) in flight failed")]
    public static partial void Exited(ILogger logger, int pid, int? exitCode, int inFlight);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "mlx[{Pid}]: {Line}")]
    public static partial void Stderr(ILogger logger, int pid, string line);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "MLX sidecar (pid {Pid}) wrote a line that is not protocol JSON ({Length} bytes): {Error}")]
    public static partial void NonProtocolLine(ILogger logger, int pid, int length, string error);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "MLX sidecar (pid {Pid}) reported an error for no request: {Code}: {Message}")]
    public static partial void UnaddressedError(ILogger logger, int pid, string? code, string? message);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "The MLX sidecar died {Crashes} times in a row; waiting {Delay} before starting it again")]
    public static partial void RestartBackoff(ILogger logger, int crashes, TimeSpan delay);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Warning, Message = "MLX sidecar (pid {Pid}) did not exit within {Timeout} after shutdown; killing it")]
    public static partial void ShutdownForced(ILogger logger, int pid, TimeSpan timeout);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Information, Message = "MLX sidecar (pid {Pid}) stopped")]
    public static partial void Stopped(ILogger logger, int pid);
}
