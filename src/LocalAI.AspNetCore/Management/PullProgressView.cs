namespace LocalAI.AspNetCore;

/// <summary>One progress event of a model pull.</summary>
/// <param name="Model">The model being pulled.</param>
/// <param name="Status">What the backend is doing, in its words.</param>
/// <param name="Percent">The overall completion from 0 to 100; it only moves forward.</param>
/// <param name="BytesCompleted">The bytes transferred so far over all parts, when known.</param>
/// <param name="BytesTotal">The total bytes over all known parts, when known.</param>
/// <param name="IsCompleted">Whether the pull has finished.</param>
/// <param name="PartsCompleted">The parts (layers, files) complete, when the backend reports parts.</param>
/// <param name="PartsTotal">The parts known so far, when the backend reports parts; Ollama announces layers one at a time, so it grows during a pull.</param>
public sealed record PullProgressView(
    string Model,
    string Status,
    double Percent,
    long? BytesCompleted,
    long? BytesTotal,
    bool IsCompleted,
    int? PartsCompleted = null,
    int? PartsTotal = null);
