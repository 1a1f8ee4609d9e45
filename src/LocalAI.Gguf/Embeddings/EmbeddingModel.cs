using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace LocalAI.Gguf;

/// <summary>One BERT-family embedding model loaded once and shared by every generator of the backend: pooling from the model's metadata,
/// L2-normalised vectors, several texts per decode, its contexts in a <see cref="ContextPool"/>.</summary>
internal sealed class EmbeddingModel : IDisposable
{
    private const int MaxSequencesPerBatch = 64;

    private readonly ContextPool _pool;
    private readonly TimeProvider _timeProvider;
    private readonly int _contextSize;

    public EmbeddingModel(LlamaModel model, GgufBackendOptions options, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _contextSize = model.CapContextSize(options.ContextSize);
        _pool = new ContextPool(model, options.MaxParallelRequests, m => m.CreateEmbeddingContext(_contextSize, MaxSequencesPerBatch, options.Threads));
        Dimensions = model.EmbeddingLength;
    }

    /// <summary>Gets the length of the vectors.</summary>
    public int Dimensions { get; }

    /// <summary>Embeds texts; texts longer than the context are truncated to it.</summary>
    /// <param name="texts">The texts, none <see langword="null"/>.</param>
    /// <param name="modelId">The model id each embedding is marked with.</param>
    /// <param name="cancellationToken">Stops the wait for a context, and the work between batches.</param>
    /// <returns>One unit-length vector per text, and the tokens counted.</returns>
    /// <exception cref="ObjectDisposedException">The backend was disposed.</exception>
    /// <exception cref="LocalAIException">llama.cpp failed to embed.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IReadOnlyList<string> texts, string modelId, CancellationToken cancellationToken)
    {
        var tokenized = new int[texts.Count][];
        for (var i = 0; i < texts.Count; i++)
        {
            var tokens = _pool.Model.Tokenize(texts[i], addSpecial: true, parseSpecial: false);
            tokenized[i] = tokens.Length > _contextSize ? tokens[.._contextSize] : tokens;
        }

        using var lease = await _pool.LeaseAsync(ReadOnlyMemory<int>.Empty, cancellationToken).ConfigureAwait(false);
        var vectors = await Task.Run(() => Embed(lease.Context, tokenized, cancellationToken), cancellationToken).ConfigureAwait(false);
        var created = _timeProvider.GetUtcNow();
        var tokenCount = tokenized.Sum(t => t.Length);
        return new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = modelId, CreatedAt = created }))
        {
            Usage = new UsageDetails { InputTokenCount = tokenCount, TotalTokenCount = tokenCount },
        };
    }

    public void Dispose() => _pool.Dispose();

    /// <summary>Embeds the texts in batches of up to <see cref="MaxSequencesPerBatch"/> texts that fill at most one context.</summary>
    private float[][] Embed(LlamaContext context, int[][] tokenized, CancellationToken cancellationToken)
    {
        var results = new float[tokenized.Length][];
        var next = 0;
        while (next < tokenized.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var first = next;
            var used = 0;
            while (next < tokenized.Length && next - first < MaxSequencesPerBatch && used + tokenized[next].Length <= _contextSize)
            {
                used += tokenized[next].Length;
                next++;
            }

            var vectors = context.Embed(tokenized.AsSpan(first, next - first));
            for (var i = 0; i < vectors.Length; i++)
            {
                results[first + i] = Normalize(vectors[i]);
            }
        }

        return results;
    }

    private static float[] Normalize(float[] vector)
    {
        var norm = MathF.Sqrt(TensorPrimitives.SumOfSquares(vector));
        if (norm > 0f)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
    }
}
