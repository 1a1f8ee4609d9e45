using Microsoft.Extensions.Logging;

namespace LocalAI.Onnx;

/// <summary>Source-generated log messages of the ONNX backend (event ids 5000–5999).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "ONNX model {ModelId} loaded from {Path}: {Dimensions} dimensions, {Pooling} pooling, normalize {Normalize}, max {MaxSequenceLength} tokens ({MaxSequenceLengthSource}), in {ElapsedMs} ms")]
    public static partial void ModelLoaded(ILogger logger, string modelId, string path, int dimensions, OnnxPoolingMode pooling, bool normalize, int maxSequenceLength, string maxSequenceLengthSource, long elapsedMs);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "ONNX model {ModelId} truncated {Count} of {Total} texts to {MaxSequenceLength} tokens")]
    public static partial void Truncated(ILogger logger, string modelId, int count, int total, int maxSequenceLength);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "ONNX model {ModelId} in {Path} has no sentence_bert_config.json: texts are cut at {MaxSequenceLength} tokens (from {Source}), which may not be the length the model was trained for; set OnnxBackendOptions.MaxSequenceLength or add sentence_bert_config.json with max_seq_length")]
    public static partial void MaxLengthNotDeclared(ILogger logger, string modelId, string path, int maxSequenceLength, string source);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "ONNX model {ModelId} failed to load: {Reason}")]
    public static partial void LoadFailed(ILogger logger, string modelId, string reason);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Downloading ONNX model {ModelId} from {Repository} into {Path}")]
    public static partial void DownloadingFromHub(ILogger logger, string modelId, string repository, string path);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Information, Message = "Deleted ONNX model {ModelId} ({Path})")]
    public static partial void DeletedModel(ILogger logger, string modelId, string path);
}
