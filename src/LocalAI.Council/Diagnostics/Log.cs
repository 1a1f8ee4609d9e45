using Microsoft.Extensions.Logging;

namespace LocalAI.Council;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Council {SessionId}: {AgentId} ({Model}) failed in stage {Stage}: {Error}")]
    public static partial void GenerationFailed(ILogger logger, string sessionId, string agentId, string model, CouncilStage stage, string error);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Council {SessionId}: review by {AgentId} excluded: {Reason}")]
    public static partial void ReviewExcluded(ILogger logger, string sessionId, string agentId, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Council {SessionId}: chairman {WriterId} failed, {FallbackId} writes the answer: {Error}")]
    public static partial void ChairmanFailed(ILogger logger, string sessionId, string writerId, string fallbackId, string error);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Council {SessionId} completed in {Duration}: {Answered} opinions, {Reviews} valid reviews, {Tokens} tokens")]
    public static partial void SessionCompleted(ILogger logger, string sessionId, TimeSpan duration, int answered, int reviews, long tokens);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Council {SessionId}: review by {AgentId} failed validation, asking once more: {Error}")]
    public static partial void ReviewRepair(ILogger logger, string sessionId, string agentId, string error);
}
