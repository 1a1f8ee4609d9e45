using Microsoft.Extensions.Logging;

namespace LocalAI.Ollama;

/// <summary>Source-generated log messages of the Ollama backend and the embedded server.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Ollama endpoint {Endpoint} did not answer the probe: {Reason}")]
    public static partial void EndpointProbeFailed(ILogger logger, Uri endpoint, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Pulling model {Model} on {Endpoint}")]
    public static partial void Pulling(ILogger logger, string model, Uri endpoint);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Deleted model {Model} on {Endpoint}")]
    public static partial void Deleted(ILogger logger, string model, Uri endpoint);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "ollama: {Line}")]
    public static partial void ServerOutput(ILogger logger, string line);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Started '{Binary} serve' (pid {ProcessId}) on {Endpoint}")]
    public static partial void ServerStarted(ILogger logger, string binary, int processId, Uri endpoint);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Ollama server on {Endpoint} is ready after {Elapsed}")]
    public static partial void ServerReady(ILogger logger, Uri endpoint, TimeSpan elapsed);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Ollama server (pid {ProcessId}) exited with code {ExitCode}; restarting in {Delay} (attempt {Attempt})")]
    public static partial void ServerCrashed(ILogger logger, int processId, int exitCode, TimeSpan delay, int attempt);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Information, Message = "Stopping Ollama server (pid {ProcessId})")]
    public static partial void ServerStopping(ILogger logger, int processId);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Warning, Message = "Ollama server (pid {ProcessId}) did not stop within {Grace}; killing it")]
    public static partial void ServerKilled(ILogger logger, int processId, TimeSpan grace);

    [LoggerMessage(EventId = 2016, Level = LogLevel.Information, Message = "Adopted the Ollama server already answering on {Endpoint}")]
    public static partial void ServerAdopted(ILogger logger, Uri endpoint);

    [LoggerMessage(EventId = 2017, Level = LogLevel.Information, Message = "Installed Ollama from {Source} into {Directory}")]
    public static partial void Installed(ILogger logger, string source, string directory);

    [LoggerMessage(EventId = 2018, Level = LogLevel.Error, Message = "Restarting the Ollama server failed")]
    public static partial void RestartFailed(ILogger logger, Exception exception);
}
