namespace LocalAI;

/// <summary>A model file or folder is missing, corrupt, truncated or not of the expected kind; detected before native code reads it.</summary>
public sealed class InvalidModelFileException : LocalAIException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidModelFileException"/> class.</summary>
    public InvalidModelFileException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidModelFileException"/> class with a message.</summary>
    /// <param name="message">What happened and what to do.</param>
    public InvalidModelFileException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidModelFileException"/> class with a message and a cause.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidModelFileException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidModelFileException"/> class for a file and a reason.</summary>
    /// <param name="path">The file or folder.</param>
    /// <param name="reason">What is wrong with it.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidModelFileException(string path, string reason, Exception? innerException)
        : base($"Model file '{path}' is not valid: {reason}", innerException)
    {
        FilePath = path;
        Reason = reason;
    }

    /// <summary>Gets the file or folder that is not valid.</summary>
    public string? FilePath { get; }

    /// <summary>Gets what is wrong with it.</summary>
    public string? Reason { get; }
}
