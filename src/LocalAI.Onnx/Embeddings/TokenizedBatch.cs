namespace LocalAI.Onnx;

/// <summary>The token ids of a batch of texts, special tokens included.</summary>
/// <param name="Ids">The ids of each text, in the order given.</param>
/// <param name="Truncated">Whether each text was longer than the model's maximum and was truncated.</param>
/// <param name="TruncatedCount">How many texts were longer than the model's maximum and were truncated.</param>
internal sealed record TokenizedBatch(int[][] Ids, bool[] Truncated, int TruncatedCount);
