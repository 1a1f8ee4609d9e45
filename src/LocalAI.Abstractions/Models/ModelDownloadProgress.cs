namespace LocalAI;

/// <summary>Progress of a model download.</summary>
/// <param name="Model">The model being downloaded.</param>
/// <param name="Status">What the backend is doing, in its words (for example <c>pulling manifest</c>).</param>
public sealed record ModelDownloadProgress(string Model, string Status)
{
    /// <summary>Gets the part being transferred (a layer digest or a file name), when the backend reports parts.</summary>
    public string? Part { get; init; }

    /// <summary>Gets the bytes of the current part transferred so far, when known.</summary>
    public long? PartBytesCompleted { get; init; }

    /// <summary>Gets the total bytes of the current part, when known.</summary>
    public long? PartBytesTotal { get; init; }

    /// <summary>Gets how many parts (layers, files) are complete, when the backend reports parts.</summary>
    public int? PartsCompleted { get; init; }

    /// <summary>Gets how many parts are known so far, when the backend reports parts; a backend that announces parts one at a time (Ollama) raises it as it goes.</summary>
    public int? PartsTotal { get; init; }

    /// <summary>Gets the bytes transferred so far over all parts, when known.</summary>
    public long? BytesCompleted { get; init; }

    /// <summary>Gets the total bytes over all known parts, when known.</summary>
    public long? BytesTotal { get; init; }

    /// <summary>Gets the transfer rate in bytes per second over this attempt (bytes resumed from an earlier attempt are not counted), when known.</summary>
    public double? BytesPerSecond { get; init; }

    /// <summary>Gets the time left at <see cref="BytesPerSecond"/>, when known.</summary>
    public TimeSpan? EstimatedTimeRemaining { get; init; }

    /// <summary>
    /// Gets the overall completion from 0 to 100, by bytes over every part known so far; it stays below 100 until the
    /// download is complete. It only moves forward while the known parts stay the same; when a backend announces a new
    /// part during the download (Ollama names each layer only when it starts on it), it is computed again over the larger
    /// total, so it can step back then rather than stand still for the whole new part.
    /// </summary>
    public double Percent { get; init; }

    /// <summary>Gets a value indicating whether the download has finished.</summary>
    public bool IsCompleted { get; init; }
}
