namespace LocalAI.Gguf;

/// <summary>
/// The contexts of one loaded model, shared by its requests (chat and embeddings alike): at most <c>capacity</c> are leased at once and
/// further callers wait, asynchronously and cancellably; contexts are created on demand and kept for reuse. Disposing the pool frees the
/// idle contexts at once, and the model with the last context once every lease has been returned.
/// </summary>
internal sealed class ContextPool : IDisposable
{
    private readonly LlamaModel _model;
    private readonly int _capacity;
    private readonly Func<LlamaModel, LlamaContext> _create;
    private readonly SemaphoreSlim _gate;
    private readonly List<PooledContext> _idle = [];
    private readonly Lock _sync = new();
    private int _created;
    private int _leased;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="ContextPool"/> class that owns <paramref name="model"/>.</summary>
    /// <param name="model">The model; freed by the pool.</param>
    /// <param name="capacity">How many contexts may be leased at once.</param>
    /// <param name="create">Creates a context on the model.</param>
    public ContextPool(LlamaModel model, int capacity, Func<LlamaModel, LlamaContext> create)
    {
        _model = model;
        _capacity = capacity;
        _create = create;
        _gate = new SemaphoreSlim(capacity, capacity);
    }

    /// <summary>Gets the pooled model.</summary>
    public LlamaModel Model => _model;

    /// <summary>Waits for a free context and leases it.</summary>
    /// <param name="prompt">The tokens the caller will decode first: it gets the idle context whose memory shares the longest prefix with them,
    /// or a new context while fewer than <c>capacity</c> exist and none shares any. Empty: any idle context serves.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>The lease; dispose it to hand the context back.</returns>
    /// <exception cref="ObjectDisposedException">The pool was disposed.</exception>
    /// <exception cref="LocalAIException">llama.cpp could not create a context.</exception>
    public async ValueTask<ContextLease> LeaseAsync(ReadOnlyMemory<int> prompt, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new ContextLease(this, Take(prompt.Span));
        }
        catch
        {
            _gate.Release();
            throw;
        }
    }

    /// <summary>Takes back a leased context: kept for the next lease, or freed (with the model after the last) once the pool is disposed.</summary>
    /// <param name="pooled">The context.</param>
    public void Return(PooledContext pooled)
    {
        bool disposed;
        bool freeModel;
        lock (_sync)
        {
            _leased--;
            disposed = _disposed;
            freeModel = disposed && _leased == 0;
            if (!disposed)
            {
                _idle.Add(pooled);
            }
        }

        if (disposed)
        {
            pooled.Dispose();
        }

        _gate.Release();
        if (freeModel)
        {
            _model.Dispose();
        }
    }

    public void Dispose()
    {
        PooledContext[] idle;
        bool freeModel;
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            idle = [.. _idle];
            _idle.Clear();
            freeModel = _leased == 0;
        }

        foreach (var pooled in idle)
        {
            pooled.Dispose();
        }

        if (freeModel)
        {
            _model.Dispose();
        }
    }

    private PooledContext Take(ReadOnlySpan<int> prompt)
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _leased++;
            if (_idle.Count > 0)
            {
                var best = 0;
                var bestLength = -1;
                for (var i = 0; i < _idle.Count; i++)
                {
                    var length = _idle[i].CommonPrefix(prompt);
                    if (length > bestLength)
                    {
                        best = i;
                        bestLength = length;
                    }
                }

                if (bestLength > 0 || prompt.IsEmpty || _created >= _capacity)
                {
                    var pooled = _idle[best];
                    _idle.RemoveAt(best);
                    return pooled;
                }
            }

            _created++;
        }

        // The lease counted above keeps the model alive while its context is created outside the lock.
        try
        {
            return new PooledContext(_create(_model));
        }
        catch
        {
            bool freeModel;
            lock (_sync)
            {
                _created--;
                _leased--;
                freeModel = _disposed && _leased == 0;
            }

            if (freeModel)
            {
                _model.Dispose();
            }

            throw;
        }
    }
}
