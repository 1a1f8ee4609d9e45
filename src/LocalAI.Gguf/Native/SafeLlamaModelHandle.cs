using System.Runtime.InteropServices;

namespace LocalAI.Gguf.Native;

/// <summary>Owns a loaded llama.cpp model (llama_model *); frees it with <c>llama_model_free</c>.</summary>
internal sealed class SafeLlamaModelHandle : SafeHandle
{
    /// <summary>Initializes a new instance of the <see cref="SafeLlamaModelHandle"/> class that owns <paramref name="pointer"/>.</summary>
    /// <param name="pointer">The native pointer.</param>
    public SafeLlamaModelHandle(nint pointer)
        : base(0, ownsHandle: true) => SetHandle(pointer);

    /// <inheritdoc/>
    public override bool IsInvalid => handle == 0;

    /// <summary>Gets the pointer, throwing when the handle was released.</summary>
    public nint Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return handle;
        }
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        LlamaApi.llama_model_free(handle);
        return true;
    }
}
