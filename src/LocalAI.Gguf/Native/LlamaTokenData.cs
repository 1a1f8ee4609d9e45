using System.Runtime.InteropServices;

namespace LocalAI.Gguf;

/// <summary>Mirror of <c>struct llama_token_data</c> of llama.cpp 0.5.0 (node-llama-cpp 3.22.1), 12 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaTokenData
{
    public int Id;
    public float Logit;
    public float P;
}
