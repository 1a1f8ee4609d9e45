using LocalAI.Samples;

namespace LocalAI.Samples.Rag;

/// <summary>The one place where the sample chooses its embedding backend.</summary>
internal static class EmbeddingSetup
{
    /// <summary>Registers the backends the sample may use; the routers pick the first available one for embeddings and for chat.</summary>
    /// <param name="builder">The LocalAI builder.</param>
    /// <remarks>
    /// By default ONNX serves embeddings in-process (<c>--onnx &lt;model folder&gt;</c> or <c>LocalAI:onnx:ModelPath</c>) and
    /// Ollama serves chat; <c>--gguf &lt;file.gguf&gt;</c> adds in-process chat through llama.cpp. <c>LocalAI:Backends</c> changes the list.
    /// </remarks>
    public static void AddEmbeddingBackends(ILocalAIBuilder builder) => SampleBackends.Add(builder, "onnx,ollama");
}
