namespace LocalAI;

/// <summary>Turns the bytes of a download into progress reports: one percentage over every file that only moves forward, the rate of this attempt and the time left.</summary>
internal sealed class DownloadMeter
{
    private static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(200);
    private readonly string _model;
    private readonly long _total;
    private readonly IProgress<ModelDownloadProgress>? _progress;
    private readonly TimeProvider _time;
    private readonly long _started;
    private long _done;
    private long _transferred;
    private long _lastReport;
    private double _percent;

    /// <summary>Initializes a new instance of the <see cref="DownloadMeter"/> class.</summary>
    /// <param name="model">The model, for the reports.</param>
    /// <param name="total">The bytes of every file.</param>
    /// <param name="progress">Receives the reports.</param>
    /// <param name="time">The clock the rate is measured with.</param>
    public DownloadMeter(string model, long total, IProgress<ModelDownloadProgress>? progress, TimeProvider time)
    {
        _model = model;
        _total = total;
        _progress = progress;
        _time = time;
        _started = time.GetTimestamp();
        _lastReport = long.MinValue;
    }

    /// <summary>Gets the bytes done so far, resumed ones included.</summary>
    public long Done => _done;

    /// <summary>Counts bytes that are already on disk (a verified file, or the part of a partial file kept from an earlier attempt).</summary>
    /// <param name="bytes">The bytes.</param>
    public void Resumed(long bytes) => _done += bytes;

    /// <summary>Uncounts bytes that turned out unusable (a server that ignored a range request sends the file from the start).</summary>
    /// <param name="bytes">The bytes.</param>
    public void Discarded(long bytes) => _done -= bytes;

    /// <summary>Counts bytes received now and reports, at most every 200 ms or when a file completes.</summary>
    /// <param name="part">The file.</param>
    /// <param name="partDone">Its bytes on disk now.</param>
    /// <param name="partTotal">Its size.</param>
    /// <param name="bytes">The bytes just received.</param>
    public void Received(string part, long partDone, long partTotal, long bytes)
    {
        _done += bytes;
        _transferred += bytes;
        var now = _time.GetTimestamp();
        if (_progress is null || (partDone < partTotal && _lastReport != long.MinValue && _time.GetElapsedTime(_lastReport, now) < ReportInterval))
        {
            return;
        }

        _lastReport = now;
        var elapsed = _time.GetElapsedTime(_started, now).TotalSeconds;
        double? rate = elapsed > 0 && _transferred > 0 ? _transferred / elapsed : null;
        _percent = Math.Max(_percent, _total > 0 ? Math.Min(99.9, 100d * _done / _total) : 0);
        _progress.Report(new ModelDownloadProgress(_model, "downloading")
        {
            Part = part,
            PartBytesCompleted = partDone,
            PartBytesTotal = partTotal,
            BytesCompleted = _done,
            BytesTotal = _total,
            BytesPerSecond = rate,
            EstimatedTimeRemaining = rate is > 0 ? TimeSpan.FromSeconds(Math.Max(0, _total - _done) / rate.Value) : null,
            Percent = _percent,
        });
    }

    /// <summary>Reports the end: 100 %, nothing left.</summary>
    /// <param name="status">The final status, for example <c>success</c>.</param>
    public void Completed(string status)
    {
        var elapsed = _time.GetElapsedTime(_started).TotalSeconds;
        _progress?.Report(new ModelDownloadProgress(_model, status)
        {
            BytesCompleted = _total,
            BytesTotal = _total,
            BytesPerSecond = elapsed > 0 && _transferred > 0 ? _transferred / elapsed : null,
            EstimatedTimeRemaining = TimeSpan.Zero,
            Percent = 100,
            IsCompleted = true,
        });
    }
}
