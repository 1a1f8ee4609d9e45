using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LocalAI.Gguf;

/// <summary>A llama.cpp context: one KV memory, used by one request at a time.</summary>
internal sealed unsafe class LlamaContext : IDisposable
{
    private readonly SafeLlamaContextHandle _handle;

    // A native int that ggml polls between graph nodes (llama_set_abort_callback): non-zero aborts the running decode.
    private readonly SafeNativeMemoryHandle _abortFlag;
    private readonly int _embeddingLength;
    private SafeLlamaBatchHandle? _embeddingBatch;

    public LlamaContext(SafeLlamaContextHandle handle, int embeddingLength)
    {
        _handle = handle;
        _abortFlag = SafeNativeMemoryHandle.AllocateZeroed(sizeof(int));
        _embeddingLength = embeddingLength;
        LlamaApi.llama_set_abort_callback(handle.Pointer, &ShouldAbort, (void*)_abortFlag.Pointer);
        Size = (int)LlamaApi.llama_n_ctx(handle.Pointer);
        BatchSize = (int)LlamaApi.llama_n_batch(handle.Pointer);
        Memory = LlamaApi.llama_get_memory(handle.Pointer);
    }

    public nint Pointer => _handle.Pointer;

    public nint Memory { get; }

    public int Size { get; }

    public int BatchSize { get; }

    public int PoolingType => LlamaApi.llama_pooling_type(_handle.Pointer);

    /// <summary>Decodes tokens of sequence 0 at the positions following what the memory holds, in chunks of the batch size.</summary>
    /// <param name="tokens">The tokens.</param>
    /// <param name="cancellationToken">Checked between chunks.</param>
    /// <exception cref="LocalAIException">llama.cpp failed to decode.</exception>
    /// <remarks>Cancellation sets the abort flag, which stops the running decode between two graph nodes.</remarks>
    public void Decode(ReadOnlySpan<int> tokens, CancellationToken cancellationToken = default)
    {
        var flag = (int*)_abortFlag.Pointer;
        *flag = 0;
        var registration = cancellationToken.Register(static state => Volatile.Write(ref *(int*)(nint)state!, 1), (nint)flag);
        try
        {
            for (var start = 0; start < tokens.Length; start += BatchSize)
            {
                var chunk = tokens.Slice(start, Math.Min(BatchSize, tokens.Length - start));
                fixed (int* p = chunk)
                {
                    Check(LlamaApi.llama_decode(_handle.Pointer, LlamaApi.llama_batch_get_one(p, chunk.Length)));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("Decoding was cancelled.", cancellationToken);
        }
        finally
        {
            registration.Dispose();
            Volatile.Write(ref *flag, 0);
        }
    }

    /// <summary>Decodes one token (the hot path of generation).</summary>
    /// <param name="token">The token.</param>
    public void DecodeOne(int token) => Check(LlamaApi.llama_decode(_handle.Pointer, LlamaApi.llama_batch_get_one(&token, 1)));

    /// <summary>Decodes texts as one batch, each its own sequence from position 0, and returns each one's pooled embedding.</summary>
    /// <param name="sequences">The token ids of each text; together at most <see cref="Size"/> tokens.</param>
    /// <returns>One vector per text, as llama.cpp pooled it (not normalised).</returns>
    /// <exception cref="LocalAIException">llama.cpp failed to decode, or returned no pooled embedding (the model is not an embedding model).</exception>
    /// <remarks>The memory is cleared first; the context must have been created with <see cref="LlamaModel.CreateEmbeddingContext"/>.</remarks>
    public float[][] Embed(ReadOnlySpan<int[]> sequences)
    {
        _embeddingBatch ??= SafeLlamaBatchHandle.Allocate(Size, 1);
        var batch = _embeddingBatch.Batch;
        batch.NTokens = 0;
        for (var seq = 0; seq < sequences.Length; seq++)
        {
            var tokens = sequences[seq];
            // llama.cpp may round the context up, but one decode takes at most the batch size (more aborts, llama-context.cpp:1782).
            if (batch.NTokens + tokens.Length > Math.Min(Size, BatchSize))
            {
                throw new ArgumentException($"The texts hold more than the {Math.Min(Size, BatchSize)} tokens one batch of the context takes.", nameof(sequences));
            }

            for (var p = 0; p < tokens.Length; p++)
            {
                var i = batch.NTokens++;
                batch.Token[i] = tokens[p];
                batch.Pos[i] = p;
                batch.NSeqId[i] = 1;
                batch.SeqId[i][0] = seq;
                batch.Logits[i] = 1;
            }
        }

        ClearMemory();
        Check(LlamaApi.llama_decode(_handle.Pointer, batch));
        var vectors = new float[sequences.Length][];
        for (var seq = 0; seq < sequences.Length; seq++)
        {
            var pooled = LlamaApi.llama_get_embeddings_seq(_handle.Pointer, seq);
            if (pooled is null)
            {
                throw new LocalAIException("llama.cpp returned no pooled embedding; the model may not be an embedding model.");
            }

            vectors[seq] = new ReadOnlySpan<float>(pooled, _embeddingLength).ToArray();
        }

        return vectors;
    }

    /// <summary>Removes positions from <paramref name="from"/> on of sequence 0.</summary>
    /// <param name="from">The first position to remove.</param>
    /// <returns>Whether it could; when not, the memory was cleared.</returns>
    public bool TruncateMemory(int from)
    {
        if (Memory == 0)
        {
            return from == 0;
        }

        if (from == 0)
        {
            LlamaApi.llama_memory_clear(Memory, true);
            return true;
        }

        if (LlamaApi.llama_memory_seq_rm(Memory, 0, from, -1))
        {
            return true;
        }

        LlamaApi.llama_memory_clear(Memory, true);
        return false;
    }

    public void ClearMemory()
    {
        if (Memory != 0)
        {
            LlamaApi.llama_memory_clear(Memory, true);
        }
    }

    public void Dispose()
    {
        _handle.Dispose();
        _embeddingBatch?.Dispose();
        _abortFlag.Dispose();
    }

    private static void Check(int result)
    {
        switch (result)
        {
            case 0:
                return;
            case 1:
                throw new LocalAIException("The context is full: no KV slot is left for the batch. Raise ContextSize or shorten the conversation.");
            case 2:
                throw new OperationCanceledException("Decoding was aborted.");
            default:
                throw new LocalAIException($"llama_decode failed with code {result}.");
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static byte ShouldAbort(void* data) => Volatile.Read(ref *(int*)data) != 0 ? (byte)1 : (byte)0;
}
