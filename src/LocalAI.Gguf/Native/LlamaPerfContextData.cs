using System.Runtime.InteropServices;

namespace LocalAI.Gguf;

/// <summary>Mirror of <c>struct llama_perf_context_data</c> of llama.cpp 0.5.0 (node-llama-cpp 3.22.1), 48 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaPerfContextData
{
    public double TStartMs;
    public double TLoadMs;
    public double TPromptEvalMs;
    public double TEvalMs;
    public int NPromptEval;
    public int NEval;
    public int NReused;
}
