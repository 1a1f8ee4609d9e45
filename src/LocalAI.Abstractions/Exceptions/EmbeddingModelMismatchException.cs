using System.Globalization;

namespace LocalAI;

/// <summary>Vectors of two different embedding models (or dimensions) would have been mixed; they are never compared.</summary>
public sealed class EmbeddingModelMismatchException : LocalAIException
{
    /// <summary>Initializes a new instance of the <see cref="EmbeddingModelMismatchException"/> class.</summary>
    public EmbeddingModelMismatchException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EmbeddingModelMismatchException"/> class with a message.</summary>
    /// <param name="message">What happened and what to do.</param>
    public EmbeddingModelMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EmbeddingModelMismatchException"/> class with a message and a cause.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public EmbeddingModelMismatchException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EmbeddingModelMismatchException"/> class for two identities.</summary>
    /// <param name="expected">The identity the vectors must have.</param>
    /// <param name="actual">The identity that was offered; <see langword="null"/> when no compatible backend was left.</param>
    /// <param name="context">Where the mismatch happened (a collection name, the embedding router).</param>
    /// <param name="innerException">The cause.</param>
    public EmbeddingModelMismatchException(EmbeddingModelIdentity expected, EmbeddingModelIdentity? actual, string context, Exception? innerException = null)
        : base(actual is null
            ? $"{context}: no backend serving embedding model {expected} is left, and vectors of another model are never mixed in."
            : $"{context}: expected embeddings of {expected}, got {actual}. Vectors of different models are never compared; re-index with one model.", innerException)
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>Initializes a new instance of the <see cref="EmbeddingModelMismatchException"/> class for two identities whose fingerprints disagree.</summary>
    /// <param name="expected">The identity the vectors must have.</param>
    /// <param name="actual">The identity that was offered.</param>
    /// <param name="context">Where the mismatch happened.</param>
    /// <param name="lowestCosine">The lowest cosine similarity between the two fingerprints' probe vectors; <see cref="double.NaN"/> when they could not be compared.</param>
    public EmbeddingModelMismatchException(EmbeddingModelIdentity expected, EmbeddingModelIdentity actual, string context, double lowestCosine)
        : base(double.IsNaN(lowestCosine)
            ? $"{context}: the embedding fingerprint of {actual} cannot be compared with that of {expected} (other probe set or dimensions). Vectors of different models are never compared; re-index with one model."
            : string.Create(CultureInfo.InvariantCulture, $"{context}: the embeddings of {actual} drift from those of {expected}: the lowest probe cosine is {lowestCosine:F6} (drift {1 - lowestCosine:E2}), below {EmbeddingFingerprint.MinimumCosine}. The same name does not make vectors comparable (other weights, quantisation or arithmetic); re-index with this model or serve the one the index was built with."))
    {
        Expected = expected;
        Actual = actual;
        LowestProbeCosine = lowestCosine;
    }

    /// <summary>Gets the identity the vectors must have.</summary>
    public EmbeddingModelIdentity? Expected { get; }

    /// <summary>Gets the lowest cosine similarity measured between the two fingerprints' probe vectors, when fingerprints were compared.</summary>
    public double? LowestProbeCosine { get; }

    /// <summary>Gets the identity that was offered.</summary>
    public EmbeddingModelIdentity? Actual { get; }
}
