namespace LocalAI.Gguf;

/// <summary>
/// The models of one kind a backend has loaded, by full path: each is loaded once, on the thread pool, however many callers ask for it at
/// once; a failed load is forgotten, so the next caller tries again (the file may have been fixed); disposing frees every loaded model.
/// </summary>
/// <typeparam name="TModel">The loaded model.</typeparam>
internal sealed class ModelCache<TModel> : IAsyncDisposable
    where TModel : class, IDisposable
{
    private readonly Func<string, Task<TModel>> _load;
    private readonly Dictionary<string, Task<TModel>> _models = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="ModelCache{TModel}"/> class.</summary>
    /// <param name="load">Loads the model at a path; runs on the thread pool.</param>
    public ModelCache(Func<string, Task<TModel>> load) => _load = load;

    /// <summary>Gets the model at <paramref name="path"/>, loading it when no caller has yet.</summary>
    /// <param name="path">The full path of the model file.</param>
    /// <param name="cancellationToken">Stops this caller's wait; the load goes on for the others.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ObjectDisposedException">The cache was disposed.</exception>
    public async Task<TModel> GetAsync(string path, CancellationToken cancellationToken)
    {
        Task<TModel>? load;
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_models.TryGetValue(path, out load))
            {
                // Started under the lock, so a load is either seen by DisposeAsync or never started.
                load = Task.Run(() => _load(path));
                _models.Add(path, load);
            }
        }

        try
        {
            return await load.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (load.IsFaulted || load.IsCanceled)
        {
            lock (_sync)
            {
                if (_models.TryGetValue(path, out var current) && ReferenceEquals(current, load))
                {
                    _models.Remove(path);
                }
            }

            throw;
        }
    }

    /// <summary>Tells whether the model at <paramref name="path"/> has been loaded.</summary>
    /// <param name="path">The full path of the model file.</param>
    /// <returns>Whether it is loaded.</returns>
    public bool IsLoaded(string path)
    {
        lock (_sync)
        {
            return _models.TryGetValue(path, out var load) && load.IsCompletedSuccessfully;
        }
    }

    /// <summary>Frees every loaded model, after the loads still running have finished.</summary>
    /// <returns>A task that completes when they are freed.</returns>
    public async ValueTask DisposeAsync()
    {
        Task<TModel>[] loads;
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            loads = [.. _models.Values];
            _models.Clear();
        }

        foreach (var load in loads)
        {
            try
            {
                var model = await load.ConfigureAwait(false);
                model.Dispose();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A load that failed left nothing to free; its caller has seen the exception.
            }
        }
    }
}
