namespace LocalAI;

/// <summary>One download several callers wait for: it runs until it ends or every caller has stopped waiting, and relays progress to every caller still waiting.</summary>
internal sealed class SharedDownload : IProgress<ModelDownloadProgress>, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<IProgress<ModelDownloadProgress>?> _waiters = [];
    private readonly Lock _sync = new();
    private ModelDownloadProgress? _last;

    /// <summary>Gets the token that stops the download once no caller waits for it.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Gets or sets the download.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    /// <summary>Adds a caller, unless every earlier caller has already left and the download is stopping.</summary>
    /// <param name="progress">The caller's progress, or <see langword="null"/>.</param>
    /// <returns>Whether the caller joined.</returns>
    public bool TryJoin(IProgress<ModelDownloadProgress>? progress)
    {
        ModelDownloadProgress? last;
        lock (_sync)
        {
            if (_stop.IsCancellationRequested)
            {
                return false;
            }

            _waiters.Add(progress);
            last = _last;
        }

        if (last is not null)
        {
            progress?.Report(last);
        }

        return true;
    }

    /// <summary>Removes a caller that stopped waiting; the last one to leave stops the download.</summary>
    /// <param name="progress">The progress the caller joined with.</param>
    public void Leave(IProgress<ModelDownloadProgress>? progress)
    {
        lock (_sync)
        {
            _waiters.Remove(progress);
            if (_waiters.Count == 0)
            {
                _stop.Cancel();
            }
        }
    }

    /// <inheritdoc/>
    public void Report(ModelDownloadProgress value)
    {
        IProgress<ModelDownloadProgress>?[] waiters;
        lock (_sync)
        {
            _last = value;
            waiters = [.. _waiters];
        }

        foreach (var waiter in waiters)
        {
            waiter?.Report(value);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _stop.Dispose();
}
