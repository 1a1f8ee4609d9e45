namespace LocalAI;

/// <summary>A backend answered with something that breaks its protocol: malformed JSON, a truncated stream, an error object.</summary>
public sealed class BackendProtocolException : LocalAIException
{
    /// <summary>Initializes a new instance of the <see cref="BackendProtocolException"/> class.</summary>
    public BackendProtocolException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BackendProtocolException"/> class with a message.</summary>
    /// <param name="message">What happened.</param>
    public BackendProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BackendProtocolException"/> class with a message and a cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public BackendProtocolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the error code the backend reported, when it reported one.</summary>
    public string? ErrorCode { get; init; }
}
