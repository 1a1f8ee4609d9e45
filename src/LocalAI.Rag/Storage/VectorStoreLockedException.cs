namespace LocalAI.Rag;

/// <summary>Another writer holds the store: one process (and one <see cref="FileVectorStore"/>) writes a store at a time.</summary>
public sealed class VectorStoreLockedException : LocalAIException
{
    /// <summary>Initializes a new instance of the <see cref="VectorStoreLockedException"/> class.</summary>
    public VectorStoreLockedException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="VectorStoreLockedException"/> class with a message.</summary>
    /// <param name="message">What happened and what to do.</param>
    public VectorStoreLockedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="VectorStoreLockedException"/> class with a message and a cause.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public VectorStoreLockedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the store file.</summary>
    public string? FilePath { get; init; }

    /// <summary>Gets the id of the process that holds the writer lock, when it could be read.</summary>
    public int? HolderProcessId { get; init; }
}
