namespace LocalAI;

/// <summary>A backend cannot serve: its server is down, its process died, its native library or runtime is missing.</summary>
public class BackendUnavailableException : LocalAIException
{
    /// <summary>Initializes a new instance of the <see cref="BackendUnavailableException"/> class.</summary>
    public BackendUnavailableException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BackendUnavailableException"/> class with a message.</summary>
    /// <param name="message">What happened and what to do.</param>
    public BackendUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BackendUnavailableException"/> class with a message and a cause.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public BackendUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
