namespace LocalAI.Gguf;

/// <summary>A pooled context and the tokens its KV memory holds (for prefix reuse).</summary>
internal sealed class ContextSlot(LlamaContext context) : IDisposable
{
    public LlamaContext Context { get; } = context;

    public List<int> Cached { get; } = [];

    public int CommonPrefix(ReadOnlySpan<int> tokens) => tokens.CommonPrefixLength(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Cached));

    public void Dispose() => Context.Dispose();
}
