namespace LocalAI.Onnx;

/// <summary>How token vectors become one sentence vector.</summary>
public enum OnnxPoolingMode
{
    /// <summary>The mean of the token vectors over the attention mask (all-MiniLM-L6-v2, all-mpnet-base-v2).</summary>
    Mean,

    /// <summary>The vector of the first (classification) token (bge-small-en-v1.5).</summary>
    Cls,

    /// <summary>The element-wise maximum of the token vectors over the attention mask.</summary>
    Max,

    /// <summary>The sum of the token vectors over the attention mask divided by the square root of the token count.</summary>
    MeanSqrtLength,
}
