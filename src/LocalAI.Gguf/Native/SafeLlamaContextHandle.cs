using System.Runtime.InteropServices;

namespace LocalAI.Gguf.Native;

/// <summary>Owns a llama.cpp context (llama_context *); frees it with <c>llama_free</c>.</summary>
internal sealed class SafeLlamaContextHandle : SafeHandle
{
    /// <summary>Initializes a new instance of the <see cref="SafeLlamaContextHandle"/> class that owns <paramref name="pointer"/>.</summary>
    /// <param name="pointer">The native pointer.</param>
    public SafeLlamaContextHandle(nint pointer)
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
        LlamaApi.llama_free(handle);
        return true;
    }
}
