using Microsoft.Extensions.Logging;

namespace LocalAI.OpenAI;

/// <summary>Source-generated log messages of the OpenAI-compatible backend.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8001, Level = LogLevel.Debug, Message = "OpenAI-compatible endpoint {Endpoint} did not answer the probe: {Reason}")]
    public static partial void EndpointProbeFailed(ILogger logger, Uri endpoint, string reason);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Learnt {Dimensions} embedding dimensions of model {Model} from {Endpoint}")]
    public static partial void DimensionsLearnt(ILogger logger, string model, int dimensions, Uri endpoint);
}
