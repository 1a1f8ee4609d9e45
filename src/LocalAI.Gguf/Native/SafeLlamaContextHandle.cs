namespace LocalAI.Gguf;

/// <summary>Owns a llama.cpp context (llama_context *); frees it with <c>llama_free</c>.</summary>
internal sealed class SafeLlamaContextHandle(nint pointer) : SafeLlamaHandle(pointer)
{
    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        LlamaApi.llama_free(handle);
        return true;
    }
}
