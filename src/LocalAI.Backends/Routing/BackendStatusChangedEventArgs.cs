namespace LocalAI;

/// <summary>Reports a change of a backend's availability or circuit state.</summary>
/// <param name="backendId">The backend.</param>
/// <param name="status">The latest probe result, if any.</param>
/// <param name="circuitState">The circuit-breaker state now.</param>
/// <param name="previousAvailability">Whether the backend was available before the change; <see langword="null"/> when it had not been probed.</param>
public sealed class BackendStatusChangedEventArgs(string backendId, BackendStatus? status, BackendCircuitState circuitState, bool? previousAvailability) : EventArgs
{
    /// <summary>Gets the backend.</summary>
    public string BackendId { get; } = backendId;

    /// <summary>Gets the latest probe result, if any.</summary>
    public BackendStatus? Status { get; } = status;

    /// <summary>Gets the circuit-breaker state now.</summary>
    public BackendCircuitState CircuitState { get; } = circuitState;

    /// <summary>Gets whether the backend was available before the change; <see langword="null"/> when it had not been probed.</summary>
    public bool? PreviousAvailability { get; } = previousAvailability;
}
