namespace LocalAI.Gguf;

/// <summary>Owns a loaded llama.cpp model (llama_model *); frees it with <c>llama_model_free</c>.</summary>
internal sealed class SafeLlamaModelHandle(nint pointer) : SafeLlamaHandle(pointer)
{
    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        LlamaApi.llama_model_free(handle);
        return true;
    }
}
