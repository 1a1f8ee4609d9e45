namespace LocalAI;

/// <summary>The base of every exception LocalAI.Backends throws for a failure of a backend or a model.</summary>
public class LocalAIException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="LocalAIException"/> class.</summary>
    public LocalAIException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LocalAIException"/> class with a message.</summary>
    /// <param name="message">What happened and what to do.</param>
    public LocalAIException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LocalAIException"/> class with a message and a cause.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public LocalAIException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the backend involved, when one is.</summary>
    public string? BackendId { get; init; }
}
