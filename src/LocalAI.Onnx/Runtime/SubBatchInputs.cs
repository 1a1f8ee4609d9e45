namespace LocalAI.Onnx;

/// <summary>The padded model inputs of one sub-batch, row after row.</summary>
/// <param name="InputIds">Token ids, padded with the padding id.</param>
/// <param name="AttentionMask">1 for tokens, 0 for padding; <see langword="null"/> when the model takes no mask.</param>
/// <param name="TokenTypeIds">All zero (one segment); <see langword="null"/> when the model takes no segment ids.</param>
/// <param name="BatchSize">The number of rows.</param>
/// <param name="SequenceLength">The length of every row: the sub-batch's longest text.</param>
internal sealed record SubBatchInputs(long[] InputIds, long[]? AttentionMask, long[]? TokenTypeIds, int BatchSize, int SequenceLength);
