using System.Runtime.InteropServices;

namespace LocalAI.Gguf.Native;

/// <summary>Owns a llama.cpp sampler chain (llama_sampler *); frees it with <c>llama_sampler_free</c>.</summary>
internal sealed class SafeLlamaSamplerHandle : SafeHandle
{
    /// <summary>Initializes a new instance of the <see cref="SafeLlamaSamplerHandle"/> class that owns <paramref name="pointer"/>.</summary>
    /// <param name="pointer">The native pointer.</param>
    public SafeLlamaSamplerHandle(nint pointer)
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
        LlamaApi.llama_sampler_free(handle);
        return true;
    }
}
