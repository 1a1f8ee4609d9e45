namespace LocalAI.Ollama;

/// <summary>Folds Ollama's per-layer pull progress into one overall figure that only moves forward.</summary>
internal sealed class PullProgressTracker(string model, int endpointIndex, int endpointCount)
{
    private readonly Dictionary<string, (long Completed, long Total)> _layers = new(StringComparer.Ordinal);
    private double _percent;

    public ModelDownloadProgress Update(string? status, string? digest, long completed, long total)
    {
        status ??= string.Empty;
        if (!string.IsNullOrEmpty(digest) && total > 0)
        {
            var previous = _layers.GetValueOrDefault(digest);
            _layers[digest] = (Math.Max(previous.Completed, Math.Min(completed, total)), total);
        }

        long allCompleted = 0, allTotal = 0;
        foreach (var layer in _layers.Values)
        {
            allCompleted += layer.Completed;
            allTotal += layer.Total;
        }

        var isCompleted = string.Equals(status, "success", StringComparison.OrdinalIgnoreCase);
        var local = isCompleted ? 100.0 : allTotal > 0 ? 100.0 * allCompleted / allTotal : 0;
        if (!isCompleted && local >= 100)
        {
            // Every byte is in, but the server still verifies and writes the manifest.
            local = 99.9;
        }

        var overall = ((endpointIndex * 100.0) + local) / endpointCount;
        _percent = Math.Max(_percent, overall);
        return new ModelDownloadProgress(model, status)
        {
            Part = digest,
            PartBytesCompleted = string.IsNullOrEmpty(digest) ? null : completed,
            PartBytesTotal = string.IsNullOrEmpty(digest) || total <= 0 ? null : total,
            BytesCompleted = allTotal > 0 ? allCompleted : null,
            BytesTotal = allTotal > 0 ? allTotal : null,
            Percent = _percent,
            IsCompleted = isCompleted && endpointIndex == endpointCount - 1,
        };
    }
}
