namespace LocalAI.Rag;

/// <summary>A store file is not a store of this format, or is damaged; the file was left as it was.</summary>
public sealed class InvalidVectorStoreFileException : LocalAIException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidVectorStoreFileException"/> class.</summary>
    public InvalidVectorStoreFileException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidVectorStoreFileException"/> class with a message.</summary>
    /// <param name="message">What happened and what to do.</param>
    public InvalidVectorStoreFileException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidVectorStoreFileException"/> class with a message and a cause.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidVectorStoreFileException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidVectorStoreFileException"/> class for a file and a reason.</summary>
    /// <param name="path">The store file.</param>
    /// <param name="reason">What is wrong with it.</param>
    public InvalidVectorStoreFileException(string path, string reason)
        : base($"RAG store '{path}' cannot be opened: {reason}. The file was not changed.")
    {
        FilePath = path;
    }

    /// <summary>Gets the store file.</summary>
    public string? FilePath { get; init; }

    /// <summary>Gets the offset of the first damaged byte, when the file is damaged.</summary>
    public long? Offset { get; init; }

    /// <summary>Gets how many valid records follow the damage, when the file is damaged.</summary>
    public int? ValidRecordsAfter { get; init; }
}
