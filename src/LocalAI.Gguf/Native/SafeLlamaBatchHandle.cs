namespace LocalAI.Gguf;

/// <summary>Owns the arrays of a llama.cpp batch made by <c>llama_batch_init</c>; frees them with <c>llama_batch_free</c>.</summary>
internal sealed class SafeLlamaBatchHandle : SafeLlamaHandle
{
    private readonly LlamaBatch _batch;

    private unsafe SafeLlamaBatchHandle(LlamaBatch batch)
        : base((nint)batch.Token) => _batch = batch;

    /// <summary>Gets the batch, throwing when it was freed; its arrays are written in place, its token count is set by the caller.</summary>
    public LlamaBatch Batch
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return _batch;
        }
    }

    /// <summary>Allocates a batch of token ids (no embeddings) with room for <paramref name="tokens"/> tokens, each in up to <paramref name="sequencesPerToken"/> sequences.</summary>
    /// <param name="tokens">The capacity in tokens.</param>
    /// <param name="sequencesPerToken">How many sequence ids one token can carry.</param>
    /// <returns>The handle that owns the batch.</returns>
    public static SafeLlamaBatchHandle Allocate(int tokens, int sequencesPerToken) => new(LlamaApi.llama_batch_init(tokens, 0, sequencesPerToken));

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        LlamaApi.llama_batch_free(_batch);
        return true;
    }
}
