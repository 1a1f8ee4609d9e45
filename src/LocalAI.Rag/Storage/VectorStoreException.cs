namespace LocalAI.Rag;

/// <summary>A vector store's database or file failed: the server refused the operation or could not be reached.</summary>
public sealed class VectorStoreException : LocalAIException
{
    /// <summary>Initializes a new instance of the <see cref="VectorStoreException"/> class.</summary>
    public VectorStoreException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="VectorStoreException"/> class with a message.</summary>
    /// <param name="message">What happened and what to do.</param>
    public VectorStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="VectorStoreException"/> class with a message and a cause.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public VectorStoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the SQLSTATE code the server answered, when it answered one.</summary>
    public string? SqlState { get; init; }
}
