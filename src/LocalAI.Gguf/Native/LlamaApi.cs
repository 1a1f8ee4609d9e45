using System.Runtime.InteropServices;

namespace LocalAI.Gguf;

/// <summary>The llama.cpp 0.5.0 C API (include/llama.h of node-llama-cpp 3.22.1's bundled source), the calls this package uses.</summary>
/// <remarks>Library names are mapped to files by <see cref="LlamaLibrary"/>; opaque pointers are owned by the safe handles of this folder.</remarks>
internal static unsafe partial class LlamaApi
{
    public const string Llama = "llama";
    public const string Ggml = "ggml";

    [LibraryImport(Llama)]
    public static partial byte* llama_version();

    [LibraryImport(Llama)]
    public static partial void llama_backend_init();

    [LibraryImport(Llama)]
    public static partial void llama_log_set(delegate* unmanaged[Cdecl]<int, byte*, void*, void> callback, void* userData);

    [LibraryImport(Llama)]
    public static partial LlamaModelParams llama_model_default_params();

    [LibraryImport(Llama)]
    public static partial LlamaContextParams llama_context_default_params();

    [LibraryImport(Llama)]
    public static partial LlamaSamplerChainParams llama_sampler_chain_default_params();

    [LibraryImport(Llama)]
    public static partial nint llama_model_load_from_file(byte* path, LlamaModelParams parameters);

    [LibraryImport(Llama)]
    public static partial void llama_model_free(nint model);

    [LibraryImport(Llama)]
    public static partial nint llama_init_from_model(nint model, LlamaContextParams parameters);

    [LibraryImport(Llama)]
    public static partial void llama_free(nint context);

    [LibraryImport(Llama)]
    public static partial uint llama_n_ctx(nint context);

    [LibraryImport(Llama)]
    public static partial uint llama_n_batch(nint context);

    [LibraryImport(Llama)]
    public static partial int llama_pooling_type(nint context);

    [LibraryImport(Llama)]
    public static partial nint llama_get_memory(nint context);

    [LibraryImport(Llama)]
    public static partial void llama_memory_clear(nint memory, [MarshalAs(UnmanagedType.U1)] bool data);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_memory_seq_rm(nint memory, int seqId, int p0, int p1);

    [LibraryImport(Llama)]
    public static partial int llama_memory_seq_pos_max(nint memory, int seqId);

    [LibraryImport(Llama)]
    public static partial nint llama_model_get_vocab(nint model);

    [LibraryImport(Llama)]
    public static partial int llama_model_n_ctx_train(nint model);

    [LibraryImport(Llama)]
    public static partial int llama_model_n_embd(nint model);

    [LibraryImport(Llama)]
    public static partial byte* llama_model_chat_template(nint model, byte* name);

    [LibraryImport(Llama)]
    public static partial int llama_vocab_n_tokens(nint vocab);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_vocab_is_eog(nint vocab, int token);

    [LibraryImport(Llama)]
    public static partial int llama_tokenize(nint vocab, byte* text, int textLength, int* tokens, int maxTokens, [MarshalAs(UnmanagedType.U1)] bool addSpecial, [MarshalAs(UnmanagedType.U1)] bool parseSpecial);

    [LibraryImport(Llama)]
    public static partial int llama_token_to_piece(nint vocab, int token, byte* buffer, int length, int lstrip, [MarshalAs(UnmanagedType.U1)] bool special);

    [LibraryImport(Llama)]
    public static partial int llama_chat_apply_template(byte* template, LlamaChatMessage* chat, nuint messageCount, [MarshalAs(UnmanagedType.U1)] bool addAssistant, byte* buffer, int length);

    [LibraryImport(Llama)]
    public static partial LlamaBatch llama_batch_get_one(int* tokens, int count);

    [LibraryImport(Llama)]
    public static partial LlamaBatch llama_batch_init(int tokens, int embd, int seqMax);

    [LibraryImport(Llama)]
    public static partial void llama_batch_free(LlamaBatch batch);

    [LibraryImport(Llama)]
    public static partial int llama_decode(nint context, LlamaBatch batch);

    [LibraryImport(Llama)]
    public static partial void llama_set_abort_callback(nint context, delegate* unmanaged[Cdecl]<void*, byte> callback, void* data);

    [LibraryImport(Llama)]
    public static partial float* llama_get_logits_ith(nint context, int index);

    [LibraryImport(Llama)]
    public static partial float* llama_get_embeddings_seq(nint context, int seqId);

    [LibraryImport(Llama)]
    public static partial nint llama_sampler_chain_init(LlamaSamplerChainParams parameters);

    [LibraryImport(Llama)]
    public static partial void llama_sampler_chain_add(nint chain, nint sampler);

    [LibraryImport(Llama)]
    public static partial nint llama_sampler_init_greedy();

    [LibraryImport(Llama)]
    public static partial nint llama_sampler_init_dist(uint seed);

    [LibraryImport(Llama)]
    public static partial nint llama_sampler_init_top_k(int k);

    [LibraryImport(Llama)]
    public static partial nint llama_sampler_init_top_p(float p, nuint minKeep);

    [LibraryImport(Llama)]
    public static partial nint llama_sampler_init_temp(float temperature);

    [LibraryImport(Llama)]
    public static partial nint llama_sampler_init_penalties(int vocabSize, int lastN, float repeat, float frequency, float presence);

    [LibraryImport(Llama)]
    public static partial nint llama_sampler_init_grammar(nint vocab, byte* grammar, byte* root);

    [LibraryImport(Llama)]
    public static partial int llama_sampler_sample(nint sampler, nint context, int index);

    [LibraryImport(Llama)]
    public static partial void llama_sampler_free(nint sampler);

    [LibraryImport(Llama)]
    public static partial void llama_sampler_apply(nint sampler, LlamaTokenDataArray* candidates);

    [LibraryImport(Llama)]
    public static partial void llama_sampler_accept(nint sampler, int token);

    [LibraryImport(Ggml)]
    public static partial void ggml_backend_load_all_from_path(byte* path);

    [LibraryImport(Ggml)]
    public static partial nuint ggml_backend_dev_count();

    [LibraryImport(Ggml)]
    public static partial void ggml_log_set(delegate* unmanaged[Cdecl]<int, byte*, void*, void> callback, void* userData);

    /// <summary>Reads a NUL-terminated UTF-8 string owned by native code.</summary>
    /// <param name="text">The string, or null.</param>
    /// <returns>The managed string, or <see langword="null"/>.</returns>
    public static string? ReadString(byte* text) => text is null ? null : Marshal.PtrToStringUTF8((nint)text);
}
