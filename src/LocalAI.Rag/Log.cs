using Microsoft.Extensions.Logging;

namespace LocalAI.Rag;

/// <summary>Source-generated log messages of LocalAI.Rag (event ids 6000–6999).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "Opened RAG store {Path}: {Documents} documents, {Chunks} chunks")]
    public static partial void StoreOpened(ILogger logger, string path, int documents, long chunks);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "RAG store {Path} ended with an incomplete write of {Bytes} bytes, dropped; the last complete state is kept")]
    public static partial void TornTail(ILogger logger, string path, long bytes);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Compacted RAG store {Path} from {Before} to {After} bytes")]
    public static partial void Compacted(ILogger logger, string path, long before, long after);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Error, Message = "RAG store {Path} is damaged at offset {Offset}; {RecordsAfter} valid records follow the damage")]
    public static partial void DamageFound(ILogger logger, string path, long offset, int recordsAfter);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "Repaired RAG store {Path}: dropped {Ranges} damaged ranges ({Bytes} bytes; documents {DocumentIds}); kept {Documents} documents; the damaged file is kept at {Backup}")]
    public static partial void Repaired(ILogger logger, string path, int ranges, long bytes, string documentIds, int documents, string backup);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "Indexed {Documents} documents, {Chunks} chunks ({Embedded} embedded, {Reused} reused) in {Elapsed}")]
    public static partial void Indexed(ILogger logger, int documents, long chunks, long embedded, long reused, TimeSpan elapsed);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Warning, Message = "Skipped {Path}: {Reason}")]
    public static partial void SkippedFile(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 6020, Level = LogLevel.Debug, Message = "RAG retrieved {Count} passages for the last user message")]
    public static partial void Retrieved(ILogger logger, int count);
}
