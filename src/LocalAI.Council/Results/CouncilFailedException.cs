namespace LocalAI.Council;

/// <summary>A council session could not finish: too few opinions for the quorum, or both the chairman and its fallback failed.</summary>
public sealed class CouncilFailedException : LocalAIException
{
    /// <summary>Initializes a new instance of the <see cref="CouncilFailedException"/> class.</summary>
    public CouncilFailedException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CouncilFailedException"/> class with a message.</summary>
    /// <param name="message">What happened and what to do.</param>
    public CouncilFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CouncilFailedException"/> class with a message and a cause.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public CouncilFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the session as far as it got, with every failure recorded.</summary>
    public CouncilSession? Session { get; init; }
}
