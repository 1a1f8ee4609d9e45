using System.Runtime.InteropServices;

namespace LocalAI.Gguf;

/// <summary>Mirror of <c>struct llama_token_data_array</c> of llama.cpp 0.5.0 (node-llama-cpp 3.22.1), 32 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaTokenDataArray
{
    public LlamaTokenData* Data;
    public nuint Size;
    public long Selected;
    public bool Sorted;
}
