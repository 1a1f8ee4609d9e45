using System.Runtime.InteropServices;

namespace LocalAI.Gguf;

/// <summary>A context of a <see cref="ContextPool"/> and the tokens its KV memory holds, kept between leases for prefix reuse.</summary>
internal sealed class PooledContext(LlamaContext context) : IDisposable
{
    public LlamaContext Context { get; } = context;

    /// <summary>Gets the tokens of sequence 0 the memory holds, in position order.</summary>
    public List<int> CachedTokens { get; } = [];

    /// <summary>Gets how many leading tokens of <paramref name="tokens"/> the memory already holds.</summary>
    /// <param name="tokens">The tokens of a prompt.</param>
    /// <returns>The length of the common prefix.</returns>
    public int CommonPrefix(ReadOnlySpan<int> tokens) => tokens.CommonPrefixLength(CollectionsMarshal.AsSpan(CachedTokens));

    public void Dispose() => Context.Dispose();
}
