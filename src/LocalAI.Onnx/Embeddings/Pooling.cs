using System.Numerics.Tensors;

namespace LocalAI.Onnx;

/// <summary>Pooling and normalisation of one text's token vectors, with <see cref="TensorPrimitives"/>.</summary>
internal static class Pooling
{
    /// <summary>Pools the first <paramref name="tokenCount"/> token vectors of one row of a <c>[sequence, hidden]</c> output.</summary>
    /// <param name="tokens">The row: <c>sequenceLength * destination.Length</c> floats, token after token.</param>
    /// <param name="tokenCount">How many tokens the attention mask keeps (the rest is padding).</param>
    /// <param name="mode">The pooling.</param>
    /// <param name="destination">Receives the sentence vector.</param>
    public static void Pool(ReadOnlySpan<float> tokens, int tokenCount, OnnxPoolingMode mode, Span<float> destination)
    {
        var hidden = destination.Length;
        tokens[..hidden].CopyTo(destination);
        if (mode == OnnxPoolingMode.Cls)
        {
            return;
        }

        for (var t = 1; t < tokenCount; t++)
        {
            var token = tokens.Slice(t * hidden, hidden);
            if (mode == OnnxPoolingMode.Max)
            {
                TensorPrimitives.Max(destination, token, destination);
            }
            else
            {
                TensorPrimitives.Add(destination, token, destination);
            }
        }

        switch (mode)
        {
            case OnnxPoolingMode.Mean:
                TensorPrimitives.Divide(destination, tokenCount, destination);
                break;
            case OnnxPoolingMode.MeanSqrtLength:
                TensorPrimitives.Divide(destination, MathF.Sqrt(tokenCount), destination);
                break;
        }
    }

    /// <summary>Scales a vector to unit Euclidean length (a zero vector stays zero), as <c>torch.nn.functional.normalize</c> does.</summary>
    /// <param name="vector">The vector, changed in place.</param>
    public static void Normalize(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        TensorPrimitives.Divide(vector, MathF.Max(norm, 1e-12f), vector);
    }
}
