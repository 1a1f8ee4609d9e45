using System.Runtime.InteropServices;

namespace LocalAI.Gguf;

/// <summary>The base of the handles that own one native pointer each, made by llama.cpp or handed to it; a subclass says only how to free it.</summary>
internal abstract class SafeLlamaHandle : SafeHandle
{
    /// <summary>Initializes a new instance of the <see cref="SafeLlamaHandle"/> class that owns <paramref name="pointer"/>.</summary>
    /// <param name="pointer">The native pointer.</param>
    protected SafeLlamaHandle(nint pointer)
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
}
