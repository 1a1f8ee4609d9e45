namespace LocalAI.Ollama;

/// <summary>Describes a change of the embedded server's state.</summary>
/// <param name="state">The new state.</param>
/// <param name="processId">The server process, when one runs or just ran.</param>
/// <param name="exitCode">The exit code, when the process has exited.</param>
/// <param name="restartAttempt">How many restarts in a row this is, for <see cref="OllamaServerState.Restarting"/>.</param>
public sealed class OllamaServerStateChangedEventArgs(OllamaServerState state, int? processId, int? exitCode, int restartAttempt) : EventArgs
{
    /// <summary>Gets the new state.</summary>
    public OllamaServerState State { get; } = state;

    /// <summary>Gets the server process id, when one runs or just ran.</summary>
    public int? ProcessId { get; } = processId;

    /// <summary>Gets the exit code, when the process has exited.</summary>
    public int? ExitCode { get; } = exitCode;

    /// <summary>Gets how many restarts in a row this is.</summary>
    public int RestartAttempt { get; } = restartAttempt;
}
