namespace LocalAI.AspNetCore;

/// <summary>One backend as the management endpoints report it: availability and why not, version, probe latency, circuit, and its place in the router's order.</summary>
/// <param name="Id">The backend id.</param>
/// <param name="Capabilities">What the backend can do, as lower-case names (<c>chat</c>, <c>embeddings</c>, <c>modeldownload</c>, ...).</param>
/// <param name="IsAvailable">Whether the last probe found the backend able to serve.</param>
/// <param name="Reason">Why the backend is unavailable; <see langword="null"/> when available.</param>
/// <param name="Version">The version the backend reported, when it reports one.</param>
/// <param name="ProbeLatencyMs">How long the last probe took, in milliseconds.</param>
/// <param name="CheckedAt">When the last probe finished.</param>
/// <param name="Circuit">The circuit-breaker state: <c>closed</c>, <c>open</c>, <c>halfopen</c> or <c>isolated</c>.</param>
/// <param name="Order">The backend's place in the order the router tries them now, from 0.</param>
/// <param name="IsPreferred">Whether this backend was made the one tried first.</param>
/// <param name="CanDeleteModels">Whether the backend can delete installed models.</param>
public sealed record BackendView(
    string Id,
    IReadOnlyList<string> Capabilities,
    bool IsAvailable,
    string? Reason,
    string? Version,
    double ProbeLatencyMs,
    DateTimeOffset CheckedAt,
    string Circuit,
    int Order,
    bool IsPreferred,
    bool CanDeleteModels);
