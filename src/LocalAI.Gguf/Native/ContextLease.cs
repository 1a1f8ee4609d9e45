namespace LocalAI.Gguf;

/// <summary>One request's use of a pooled context; disposing it hands the context back to its <see cref="ContextPool"/>.</summary>
internal sealed class ContextLease : IDisposable
{
    private readonly ContextPool _pool;
    private readonly PooledContext _pooled;
    private int _returned;

    public ContextLease(ContextPool pool, PooledContext pooled)
    {
        _pool = pool;
        _pooled = pooled;
    }

    /// <summary>Gets the leased context.</summary>
    public LlamaContext Context => _pooled.Context;

    /// <summary>Gets the tokens the context's memory holds; the holder keeps it in step with what it decodes.</summary>
    public List<int> CachedTokens => _pooled.CachedTokens;

    /// <summary>Gets how many leading tokens of <paramref name="tokens"/> the context's memory already holds.</summary>
    /// <param name="tokens">The tokens of a prompt.</param>
    /// <returns>The length of the common prefix.</returns>
    public int CommonPrefix(ReadOnlySpan<int> tokens) => _pooled.CommonPrefix(tokens);

    /// <summary>Forgets what the memory holds, after a native call failed or was interrupted part way.</summary>
    public void Forget()
    {
        _pooled.CachedTokens.Clear();
        _pooled.Context.ClearMemory();
    }

    /// <summary>Hands the context back to the pool (once, however often it is called).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _returned, 1) == 0)
        {
            _pool.Return(_pooled);
        }
    }
}
