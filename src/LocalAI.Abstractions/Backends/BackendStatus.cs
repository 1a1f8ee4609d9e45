namespace LocalAI;

/// <summary>The result of probing a backend: whether it can serve now, and why not when it cannot.</summary>
/// <param name="BackendId">The backend that was probed.</param>
/// <param name="IsAvailable">Whether the backend answered the probe and can serve requests.</param>
/// <param name="Version">The version the backend reported, when it reports one.</param>
/// <param name="ProbeLatency">How long the probe took.</param>
/// <param name="Reason">Why the backend is unavailable, in words a user can act on; <see langword="null"/> when available.</param>
/// <param name="CheckedAt">When the probe finished.</param>
public sealed record BackendStatus(
    string BackendId,
    bool IsAvailable,
    string? Version,
    TimeSpan ProbeLatency,
    string? Reason,
    DateTimeOffset CheckedAt)
{
    /// <summary>Gets the models the backend listed during the probe, when it lists them; empty otherwise.</summary>
    public IReadOnlyList<LocalModelInfo> Models { get; init; } = [];

    /// <summary>Creates an available status.</summary>
    /// <param name="backendId">The backend that was probed.</param>
    /// <param name="version">The reported version, if any.</param>
    /// <param name="probeLatency">How long the probe took.</param>
    /// <param name="checkedAt">When the probe finished.</param>
    /// <returns>The status.</returns>
    public static BackendStatus Available(string backendId, string? version, TimeSpan probeLatency, DateTimeOffset checkedAt) =>
        new(backendId, true, version, probeLatency, null, checkedAt);

    /// <summary>Creates an unavailable status with the reason.</summary>
    /// <param name="backendId">The backend that was probed.</param>
    /// <param name="reason">Why the backend cannot serve, in words a user can act on.</param>
    /// <param name="probeLatency">How long the probe took.</param>
    /// <param name="checkedAt">When the probe finished.</param>
    /// <returns>The status.</returns>
    public static BackendStatus Unavailable(string backendId, string reason, TimeSpan probeLatency, DateTimeOffset checkedAt) =>
        new(backendId, false, null, probeLatency, reason, checkedAt);
}
