using System.Runtime.InteropServices;

namespace LocalAI.Gguf;

/// <summary>Owns a block of zeroed native memory this package hands to llama.cpp (the abort flag a context polls); frees it with <see cref="NativeMemory.Free"/>.</summary>
internal sealed unsafe class SafeNativeMemoryHandle : SafeLlamaHandle
{
    private SafeNativeMemoryHandle(nint pointer)
        : base(pointer)
    {
    }

    /// <summary>Allocates <paramref name="bytes"/> zeroed bytes.</summary>
    /// <param name="bytes">The size.</param>
    /// <returns>The handle that owns them.</returns>
    public static SafeNativeMemoryHandle AllocateZeroed(int bytes) => new((nint)NativeMemory.AllocZeroed((nuint)bytes));

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        NativeMemory.Free((void*)handle);
        return true;
    }
}
