using System.Runtime.InteropServices;

namespace LocalAI.Gguf;

/// <summary>Mirror of <c>struct llama_chat_message</c> of llama.cpp 0.5.0 (node-llama-cpp 3.22.1).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaChatMessage
{
    public byte* Role;
    public byte* Content;
}
