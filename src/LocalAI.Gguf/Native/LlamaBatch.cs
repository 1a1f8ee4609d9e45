using System.Runtime.InteropServices;

namespace LocalAI.Gguf;

/// <summary>Mirror of <c>struct llama_batch</c> of llama.cpp 0.5.0 (node-llama-cpp 3.22.1), 56 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaBatch
{
    public int NTokens;
    public int* Token;
    public float* Embd;
    public int* Pos;
    public int* NSeqId;
    public int** SeqId;
    public sbyte* Logits;
}
