namespace LocalAI.Gguf;

/// <summary>Owns a llama.cpp sampler chain (llama_sampler *); frees it with <c>llama_sampler_free</c>.</summary>
internal sealed class SafeLlamaSamplerHandle(nint pointer) : SafeLlamaHandle(pointer)
{
    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        LlamaApi.llama_sampler_free(handle);
        return true;
    }
}
