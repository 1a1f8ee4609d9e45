using Microsoft.Extensions.Logging;

namespace LocalAI.Gguf;

/// <summary>Log messages of the GGUF backend.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Loaded GGUF model {Path} ({Architecture}, {Parameters} parameters, {Quantization}) in {ElapsedMs} ms")]
    public static partial void ModelLoaded(ILogger logger, string path, string architecture, string parameters, string quantization, long elapsedMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Skipping {Path} while listing models: {Reason}")]
    public static partial void SkippedModel(ILogger logger, string path, string? reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "llama.cpp: {Text}")]
    public static partial void NativeDebug(ILogger logger, string text);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "llama.cpp: {Text}")]
    public static partial void NativeWarning(ILogger logger, string text);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Downloading model {Model} from {Repository}/{File} to {Path}")]
    public static partial void Downloading(ILogger logger, string model, string repository, string file, string path);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Downloaded model {Model} to {Path}")]
    public static partial void Downloaded(ILogger logger, string model, string path);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Deleted model {Model} ({Path})")]
    public static partial void Deleted(ILogger logger, string model, string path);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "Verified GGUF model {Path} in a child process (or found its verdict cached) in {ElapsedMs} ms")]
    public static partial void ModelVerified(ILogger logger, string path, long elapsedMs);
}
