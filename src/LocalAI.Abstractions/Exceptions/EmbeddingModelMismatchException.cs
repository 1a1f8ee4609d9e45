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

    /// <summary>Gets the identity the vectors must have.</summary>
    public EmbeddingModelIdentity? Expected { get; }

    /// <summary>Gets the identity that was offered.</summary>
    public EmbeddingModelIdentity? Actual { get; }
}
