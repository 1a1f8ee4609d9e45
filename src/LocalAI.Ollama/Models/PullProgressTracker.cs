namespace LocalAI.Ollama;

/// <summary>
/// Folds Ollama's per-layer pull progress into one overall figure: bytes done over the bytes of every layer announced so
/// far, held below 100 until the server reports success. It only moves forward between announcements; Ollama names a
/// layer only when it starts on it, so when a new layer appears the figure is computed again over the larger total (a
/// large layer announced after a small one starts near 0, never at 99.9 for the whole of it).
/// </summary>
internal sealed class PullProgressTracker(string model, int endpointIndex, int endpointCount)
{
    private readonly Dictionary<string, (long Completed, long Total)> _layers = new(StringComparer.Ordinal);
    private double _percent;

    public ModelDownloadProgress Update(string? status, string? digest, long completed, long total)
    {
        status ??= string.Empty;
        var announced = false;
        if (!string.IsNullOrEmpty(digest) && total > 0)
        {
            announced = !_layers.TryGetValue(digest, out var previous);
            _layers[digest] = (Math.Max(previous.Completed, Math.Min(completed, total)), total);
        }

        long allCompleted = 0, allTotal = 0;
        var layersDone = 0;
        foreach (var layer in _layers.Values)
        {
            allCompleted += layer.Completed;
            allTotal += layer.Total;
            layersDone += layer.Completed >= layer.Total ? 1 : 0;
        }

        var isCompleted = string.Equals(status, "success", StringComparison.OrdinalIgnoreCase);
        var local = isCompleted ? 100.0 : allTotal > 0 ? 100.0 * allCompleted / allTotal : 0;
        if (!isCompleted && local >= 100)
        {
            // Every byte is in, but the server still verifies and writes the manifest.
            local = 99.9;
        }

        var overall = ((endpointIndex * 100.0) + local) / endpointCount;
        _percent = announced ? overall : Math.Max(_percent, overall);
        return new ModelDownloadProgress(model, status)
        {
            Part = digest,
            PartBytesCompleted = string.IsNullOrEmpty(digest) ? null : completed,
            PartBytesTotal = string.IsNullOrEmpty(digest) || total <= 0 ? null : total,
            PartsCompleted = _layers.Count > 0 ? layersDone : null,
            PartsTotal = _layers.Count > 0 ? _layers.Count : null,
            BytesCompleted = allTotal > 0 ? allCompleted : null,
            BytesTotal = allTotal > 0 ? allTotal : null,
            Percent = _percent,
            IsCompleted = isCompleted && endpointIndex == endpointCount - 1,
        };
    }
}
