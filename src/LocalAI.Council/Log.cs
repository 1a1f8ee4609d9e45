using Microsoft.Extensions.Logging;

namespace LocalAI.Council;

/// <summary>Source-generated log messages of the council (event ids 7000–7999).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Warning, Message = "Council {SessionId}: {AgentId} ({Model}) failed in stage {Stage}: {Error}")]
    public static partial void GenerationFailed(ILogger logger, string sessionId, string agentId, string model, CouncilStage stage, string error);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Council {SessionId}: review by {AgentId} excluded: {Reason}")]
    public static partial void ReviewExcluded(ILogger logger, string sessionId, string agentId, string reason);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Council {SessionId}: chairman {WriterId} failed, {FallbackId} writes the answer: {Error}")]
    public static partial void ChairmanFailed(ILogger logger, string sessionId, string writerId, string fallbackId, string error);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Council {SessionId} completed in {Duration}: {Answered} opinions, {Reviews} valid reviews, {Tokens} tokens")]
    public static partial void SessionCompleted(ILogger logger, string sessionId, TimeSpan duration, int answered, int reviews, long tokens);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Debug, Message = "Council {SessionId}: review by {AgentId} failed validation, asking once more: {Error}")]
    public static partial void ReviewRepair(ILogger logger, string sessionId, string agentId, string error);
}
