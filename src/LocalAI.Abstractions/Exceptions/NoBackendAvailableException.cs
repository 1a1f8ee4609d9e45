using System.Text;

namespace LocalAI;

/// <summary>No backend could serve a request; <see cref="Attempts"/> says, for each backend, why it was skipped or how it failed.</summary>
public sealed class NoBackendAvailableException : BackendUnavailableException
{
    /// <summary>Initializes a new instance of the <see cref="NoBackendAvailableException"/> class.</summary>
    public NoBackendAvailableException()
        : this("No backend is available.", [])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NoBackendAvailableException"/> class with a message.</summary>
    /// <param name="message">What happened.</param>
    public NoBackendAvailableException(string message)
        : this(message, [])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NoBackendAvailableException"/> class with a message and a cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public NoBackendAvailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Attempts = [];
    }

    /// <summary>Initializes a new instance of the <see cref="NoBackendAvailableException"/> class with each backend's reason.</summary>
    /// <param name="operation">What was asked (for example <c>chat</c> or <c>embeddings</c>).</param>
    /// <param name="attempts">Each backend considered, with why it was skipped or how it failed.</param>
    public NoBackendAvailableException(string operation, IReadOnlyList<BackendAttempt> attempts)
        : base(BuildMessage(operation, attempts), FirstException(attempts))
    {
        Attempts = attempts;
    }

    /// <summary>Gets each backend considered, with why it was skipped or how it failed.</summary>
    public IReadOnlyList<BackendAttempt> Attempts { get; }

    private static Exception? FirstException(IReadOnlyList<BackendAttempt> attempts)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        foreach (var attempt in attempts)
        {
            if (attempt.Exception is not null)
            {
                return attempt.Exception;
            }
        }

        return null;
    }

    private static string BuildMessage(string operation, IReadOnlyList<BackendAttempt> attempts)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        if (attempts.Count == 0)
        {
            return $"No backend is registered that can serve {operation}. Register one in AddLocalAI(b => ...), for example b.AddOllama() or b.AddGguf(...).";
        }

        var sb = new StringBuilder();
        sb.Append("No backend could serve ").Append(operation).Append(':');
        foreach (var attempt in attempts)
        {
            sb.AppendLine().Append("  - ").Append(attempt.BackendId).Append(": ").Append(attempt.Reason);
        }

        return sb.ToString();
    }
}
