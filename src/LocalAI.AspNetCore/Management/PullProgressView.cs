namespace LocalAI.AspNetCore;

/// <summary>One progress event of a model pull.</summary>
/// <param name="Model">The model being pulled.</param>
/// <param name="Status">What the backend is doing, in its words.</param>
/// <param name="Percent">The overall completion from 0 to 100; it only moves forward.</param>
/// <param name="BytesCompleted">The bytes transferred so far over all parts, when known.</param>
/// <param name="BytesTotal">The total bytes over all known parts, when known.</param>
/// <param name="IsCompleted">Whether the pull has finished.</param>
public sealed record PullProgressView(
    string Model,
    string Status,
    double Percent,
    long? BytesCompleted,
    long? BytesTotal,
    bool IsCompleted);
