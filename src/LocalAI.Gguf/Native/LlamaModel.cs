using System.Buffers;
using System.Text;

namespace LocalAI.Gguf;

/// <summary>A llama.cpp model loaded from a validated GGUF file: tokenizer, chat template and context creation.</summary>
internal sealed unsafe class LlamaModel : IDisposable
{
    // enum llama_pooling_type: UNSPECIFIED = -1, NONE = 0, MEAN = 1.
    private const int PoolingUnspecified = -1;
    private const int PoolingNone = 0;
    private const int PoolingMean = 1;

    private readonly SafeLlamaModelHandle _handle;

    private LlamaModel(SafeLlamaModelHandle handle, GgufFile file)
    {
        _handle = handle;
        File = file;
        Vocab = LlamaApi.llama_model_get_vocab(handle.Pointer);
        VocabSize = LlamaApi.llama_vocab_n_tokens(Vocab);
        EmbeddingLength = LlamaApi.llama_model_n_embd(handle.Pointer);
        TrainedContextLength = LlamaApi.llama_model_n_ctx_train(handle.Pointer);
        ChatTemplate = LlamaApi.ReadString(LlamaApi.llama_model_chat_template(handle.Pointer, null));
    }

    public GgufFile File { get; }

    public nint Vocab { get; }

    public int VocabSize { get; }

    public int EmbeddingLength { get; }

    public int TrainedContextLength { get; }

    public string? ChatTemplate { get; }

    /// <summary>Validates the file in managed code, then loads it with llama.cpp.</summary>
    /// <param name="path">The GGUF file.</param>
    /// <param name="vocabOnly">Load only the tokenizer.</param>
    /// <returns>The model.</returns>
    /// <exception cref="InvalidModelFileException">The file is invalid, or llama.cpp refused it.</exception>
    public static LlamaModel Load(string path, bool vocabOnly = false)
    {
        var file = GgufFile.Read(path);
        var parameters = LlamaApi.llama_model_default_params();
        parameters.NGpuLayers = 0;
        parameters.VocabOnly = vocabOnly;
        var pathBytes = Encoding.UTF8.GetBytes(file.Path + "\0");
        nint pointer;
        LlamaLibrary.BeginCapture();
        fixed (byte* p = pathBytes)
        {
            pointer = LlamaApi.llama_model_load_from_file(p, parameters);
        }

        var errors = LlamaLibrary.EndCapture();
        if (pointer == 0)
        {
            throw new InvalidModelFileException(file.Path, "llama.cpp could not load it" + (errors.Length > 0 ? ": " + errors : " (no reason given)"), null);
        }

        return new LlamaModel(new SafeLlamaModelHandle(pointer), file);
    }

    /// <summary>Tokenizes text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="addSpecial">Add BOS/EOS (or CLS/SEP) as the vocabulary prescribes.</param>
    /// <param name="parseSpecial">Parse special tokens written in the text (chat template markers).</param>
    /// <returns>The tokens.</returns>
    /// <exception cref="ObjectDisposedException">The model was freed.</exception>
    /// <remarks>Callers that hold no context of this model may tokenize while the model is being disposed: the handle is kept alive for the call.</remarks>
    public int[] Tokenize(string text, bool addSpecial, bool parseSpecial)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var capacity = bytes.Length + 8;
        var added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            while (true)
            {
                var tokens = new int[capacity];
                int count;
                fixed (byte* t = bytes)
                fixed (int* o = tokens)
                {
                    count = LlamaApi.llama_tokenize(Vocab, t, bytes.Length, o, capacity, addSpecial, parseSpecial);
                }

                if (count >= 0)
                {
                    return count == capacity ? tokens : tokens[..count];
                }

                if (count == int.MinValue)
                {
                    throw new LocalAIException("The text is too long to tokenize (more than 2^31 tokens).");
                }

                capacity = -count;
            }
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>Writes the bytes of one token's piece (may be an incomplete UTF-8 sequence).</summary>
    /// <param name="token">The token.</param>
    /// <param name="buffer">The destination, at least 64 bytes; grown when a piece is longer.</param>
    /// <returns>The number of bytes written.</returns>
    public int TokenToPiece(int token, ref byte[] buffer)
    {
        while (true)
        {
            int n;
            fixed (byte* b = buffer)
            {
                n = LlamaApi.llama_token_to_piece(Vocab, token, b, buffer.Length, 0, false);
            }

            if (n >= 0)
            {
                return n;
            }

            buffer = new byte[-n];
        }
    }

    /// <summary>Formats messages with a chat template (llama_chat_apply_template).</summary>
    /// <param name="template">The template (a Jinja template llama.cpp recognises, or a built-in name such as <c>chatml</c>).</param>
    /// <param name="messages">Role and content pairs.</param>
    /// <param name="addAssistant">End with the assistant turn's opening.</param>
    /// <returns>The prompt, or <see langword="null"/> when llama.cpp does not recognise the template.</returns>
    public static string? ApplyTemplate(string template, IReadOnlyList<(string Role, string Content)> messages, bool addAssistant)
    {
        var pinned = new List<byte[]>(messages.Count * 2 + 1);
        var handles = new List<System.Runtime.InteropServices.GCHandle>();
        try
        {
            var chat = new LlamaChatMessage[messages.Count];
            for (var i = 0; i < messages.Count; i++)
            {
                chat[i].Role = Pin(messages[i].Role);
                chat[i].Content = Pin(messages[i].Content);
            }

            var templateBytes = Pin(template);
            var total = messages.Sum(m => Encoding.UTF8.GetByteCount(m.Content) + m.Role.Length) * 2 + 256;
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(total);
                try
                {
                    int n;
                    fixed (LlamaChatMessage* c = chat)
                    fixed (byte* b = buffer)
                    {
                        n = LlamaApi.llama_chat_apply_template(templateBytes, c, (nuint)chat.Length, addAssistant, b, buffer.Length);
                    }

                    if (n < 0)
                    {
                        return null;
                    }

                    if (n <= buffer.Length)
                    {
                        return Encoding.UTF8.GetString(buffer, 0, n);
                    }

                    total = n;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        finally
        {
            foreach (var h in handles)
            {
                h.Free();
            }
        }

        byte* Pin(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s + "\0");
            pinned.Add(bytes);
            var h = System.Runtime.InteropServices.GCHandle.Alloc(bytes, System.Runtime.InteropServices.GCHandleType.Pinned);
            handles.Add(h);
            return (byte*)h.AddrOfPinnedObject();
        }
    }

    public bool IsEndOfGeneration(int token) => LlamaApi.llama_vocab_is_eog(Vocab, token);

    /// <summary>Caps a requested context size at the context length the model was trained with, when it declares one.</summary>
    /// <param name="requested">The requested size in tokens.</param>
    /// <returns>The size a context of this model gets.</returns>
    public int CapContextSize(int requested) => TrainedContextLength > 0 ? Math.Min(requested, TrainedContextLength) : requested;

    /// <summary>Creates a context for generation: one sequence, logits for the last token.</summary>
    /// <param name="contextSize">The context size in tokens, capped by <see cref="CapContextSize"/>.</param>
    /// <param name="batchSize">How many prompt tokens one decode call takes, at most the context size.</param>
    /// <param name="threads">The CPU threads for generation and prompt processing.</param>
    /// <returns>The context.</returns>
    /// <exception cref="LocalAIException">llama.cpp could not create it (usually out of memory).</exception>
    public LlamaContext CreateContext(int contextSize, int batchSize, int threads)
    {
        var p = LlamaApi.llama_context_default_params();
        var size = CapContextSize(contextSize);
        p.NCtx = (uint)size;
        p.NBatch = (uint)Math.Min(batchSize, size);
        p.NUbatch = p.NBatch;
        p.NSeqMax = 1;
        p.NThreads = threads;
        p.NThreadsBatch = threads;
        return CreateContext(p);
    }

    /// <summary>Creates a context for embeddings: the whole context is one batch of up to <paramref name="maxSequences"/> texts, pooled as the model declares (by mean when it declares none).</summary>
    /// <param name="contextSize">The context size in tokens, capped by <see cref="CapContextSize"/>.</param>
    /// <param name="maxSequences">How many texts one batch holds.</param>
    /// <param name="threads">The CPU threads.</param>
    /// <returns>The context.</returns>
    /// <exception cref="LocalAIException">llama.cpp could not create it (usually out of memory).</exception>
    public LlamaContext CreateEmbeddingContext(int contextSize, int maxSequences, int threads)
    {
        var p = LlamaApi.llama_context_default_params();
        var size = (uint)CapContextSize(contextSize);
        p.NCtx = size;
        p.NBatch = size;
        p.NUbatch = size;
        p.NSeqMax = (uint)maxSequences;
        p.NThreads = threads;
        p.NThreadsBatch = threads;
        p.Embeddings = true;
        p.PoolingType = PoolingUnspecified;
        var context = CreateContext(p);
        if (context.PoolingType == PoolingNone)
        {
            // The model declares no pooling: pool by mean so each text gets one vector.
            context.Dispose();
            p.PoolingType = PoolingMean;
            context = CreateContext(p);
        }

        return context;
    }

    private LlamaContext CreateContext(LlamaContextParams parameters)
    {
        LlamaLibrary.BeginCapture();
        var pointer = LlamaApi.llama_init_from_model(_handle.Pointer, parameters);
        var errors = LlamaLibrary.EndCapture();
        if (pointer == 0)
        {
            throw new LocalAIException($"llama.cpp could not create a context of {parameters.NCtx} tokens for '{File.Path}'{(errors.Length > 0 ? ": " + errors : string.Empty)}. Lower ContextSize or MaxParallelRequests.");
        }

        return new LlamaContext(new SafeLlamaContextHandle(pointer), EmbeddingLength);
    }

    public void Dispose() => _handle.Dispose();
}
