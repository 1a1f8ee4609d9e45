using Microsoft.Extensions.AI;

namespace LocalAI.Gguf;

/// <summary>Embeddings from a BERT-family GGUF model: pooling from the model's metadata, L2-normalised, several texts per decode.</summary>
internal sealed class GgufEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private const int MaxSequencesPerBatch = 64;

    private readonly LlamaModel _model;
    private readonly GgufBackendOptions _options;
    private readonly SemaphoreSlim _gate;
    private readonly Stack<LlamaContext> _idle = new();
    private readonly Lock _sync = new();
    private readonly int _contextSize;
    private int _active;
    private bool _disposed;

    public GgufEmbeddingGenerator(LlamaModel model, GgufBackendOptions options, string backendId)
    {
        _model = model;
        _options = options;
        _gate = new SemaphoreSlim(options.MaxParallelRequests, options.MaxParallelRequests);
        _contextSize = model.TrainedContextLength > 0 ? Math.Min(model.TrainedContextLength, options.ContextSize) : options.ContextSize;
        ModelId = model.File.Name;
        Dimensions = model.EmbeddingLength;
        Metadata = new EmbeddingGeneratorMetadata(backendId, null, ModelId, Dimensions);
    }

    public string ModelId { get; }

    public int Dimensions { get; }

    public EmbeddingGeneratorMetadata Metadata { get; }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var texts = values.ToArray();
        var tokenized = new int[texts.Length][];
        for (var i = 0; i < texts.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(texts[i], nameof(values));
            var tokens = _model.Tokenize(texts[i], addSpecial: true, parseSpecial: false);
            tokenized[i] = tokens.Length > _contextSize ? tokens[.._contextSize] : tokens;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        LlamaContext context;
        try
        {
            context = Acquire();
        }
        catch
        {
            _gate.Release();
            throw;
        }

        try
        {
            var vectors = await Task.Run(() => Embed(context, tokenized, cancellationToken), cancellationToken).ConfigureAwait(false);
            var created = DateTimeOffset.UtcNow;
            var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = ModelId, CreatedAt = created }))
            {
                Usage = new UsageDetails { InputTokenCount = tokenized.Sum(t => t.Length), TotalTokenCount = tokenized.Sum(t => t.Length) },
            };
            return result;
        }
        finally
        {
            Release(context);
            _gate.Release();
        }
    }

    private unsafe float[][] Embed(LlamaContext context, int[][] tokenized, CancellationToken cancellationToken)
    {
        var results = new float[tokenized.Length][];
        var batch = LlamaApi.llama_batch_init(_contextSize, 0, 1);
        try
        {
            var next = 0;
            while (next < tokenized.Length)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var first = next;
                var used = 0;
                batch.NTokens = 0;
                while (next < tokenized.Length && next - first < MaxSequencesPerBatch && used + tokenized[next].Length <= _contextSize)
                {
                    var seq = next - first;
                    var tokens = tokenized[next];
                    for (var p = 0; p < tokens.Length; p++)
                    {
                        var i = batch.NTokens++;
                        batch.Token[i] = tokens[p];
                        batch.Pos[i] = p;
                        batch.NSeqId[i] = 1;
                        batch.SeqId[i][0] = seq;
                        batch.Logits[i] = 1;
                    }

                    used += tokens.Length;
                    next++;
                }

                if (next == first)
                {
                    throw new LocalAIException("A text does not fit the embedding context.");
                }

                context.ClearMemory();
                LlamaContext.Check(LlamaApi.llama_decode(context.Pointer, batch));
                for (var i = first; i < next; i++)
                {
                    var pointer = LlamaApi.llama_get_embeddings_seq(context.Pointer, i - first);
                    if (pointer is null)
                    {
                        throw new LocalAIException($"llama.cpp returned no pooled embedding for '{ModelId}'; the model may not be an embedding model.");
                    }

                    results[i] = Normalize(new ReadOnlySpan<float>(pointer, Dimensions));
                }
            }
        }
        finally
        {
            LlamaApi.llama_batch_free(batch);
        }

        return results;
    }

    private static float[] Normalize(ReadOnlySpan<float> vector)
    {
        var result = vector.ToArray();
        var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(result));
        if (norm > 0f)
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(result, norm, result);
        }

        return result;
    }

    private LlamaContext Acquire()
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _active++;
            if (_idle.Count > 0)
            {
                return _idle.Pop();
            }

            try
            {
                var p = LlamaApi.llama_context_default_params();
                p.NCtx = (uint)_contextSize;
                p.NBatch = (uint)_contextSize;
                p.NUbatch = (uint)_contextSize;
                p.NSeqMax = MaxSequencesPerBatch;
                p.NThreads = _options.Threads;
                p.NThreadsBatch = _options.Threads;
                p.Embeddings = true;
                p.PoolingType = -1;
                var context = _model.CreateContext(p);
                if (context.PoolingType == 0)
                {
                    // The model declares no pooling: pool by mean so each text gets one vector.
                    context.Dispose();
                    p.PoolingType = 1;
                    context = _model.CreateContext(p);
                }

                return context;
            }
            catch
            {
                _active--;
                throw;
            }
        }
    }

    private void Release(LlamaContext context)
    {
        var freeModel = false;
        lock (_sync)
        {
            _active--;
            if (_disposed)
            {
                context.Dispose();
                freeModel = _active == 0;
            }
            else
            {
                _idle.Push(context);
            }
        }

        if (freeModel)
        {
            _model.Dispose();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        LlamaContext[] toFree;
        bool freeModel;
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            toFree = [.. _idle];
            _idle.Clear();
            freeModel = _active == 0;
        }

        foreach (var context in toFree)
        {
            context.Dispose();
        }

        if (freeModel)
        {
            _model.Dispose();
        }
    }
}
