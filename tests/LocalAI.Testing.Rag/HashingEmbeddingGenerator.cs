using System.Globalization;
using Microsoft.Extensions.AI;

namespace LocalAI.Testing.Rag;

/// <summary>
/// A deterministic test embedder: each lower-cased word is hashed (FNV-1a) into one of <c>dimensions</c> buckets with a sign,
/// then the vector is normalised. It is a stand-in to test the pipeline's logic, not a semantic model.
/// </summary>
/// <param name="model">The model name it declares and puts on every embedding.</param>
/// <param name="dimensions">The size of its vectors.</param>
public sealed class HashingEmbeddingGenerator(string model = "hashing-test", int dimensions = 64) : IEmbeddingGenerator<string, Embedding<float>>
{
    private const uint DefaultSeed = 2166136261u;
    private int _calls;
    private int _inputs;

    /// <summary>Gets the number of <see cref="GenerateAsync"/> calls.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Gets the number of texts embedded.</summary>
    public int Inputs => Volatile.Read(ref _inputs);

    /// <summary>Gets or sets what runs before each batch is embedded (to gate or fail it).</summary>
    public Func<IReadOnlyList<string>, CancellationToken, Task>? BeforeBatch { get; set; }

    /// <summary>Gets or sets the model description <see cref="GetService"/> returns, for tests of the declared maximum input.</summary>
    public LocalModelInfo? ModelInfo { get; set; }

    /// <summary>Gets or sets the hash's starting value: generators with different seeds are different models, whose vectors (and fingerprints) disagree.</summary>
    /// <value>The default value is FNV-1a's offset basis.</value>
    public uint Seed { get; set; } = DefaultSeed;

    /// <summary>Gets or sets a value indicating whether the metadata leaves the dimensions out until the first call, as a generator that loads its model on first use does.</summary>
    public bool DeclaresDimensionsAfterFirstCall { get; set; }

    /// <inheritdoc/>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToList();
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _inputs, texts.Count);
        if (BeforeBatch is not null)
        {
            await BeforeBatch(texts, cancellationToken);
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        foreach (var text in texts)
        {
            result.Add(new Embedding<float>(Embed(text, dimensions, Seed)) { ModelId = model });
        }

        return result;
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata)
            ? new EmbeddingGeneratorMetadata("hashing", null, model, DeclaresDimensionsAfterFirstCall && Calls == 0 ? null : dimensions)
        : serviceType == typeof(LocalModelInfo) ? ModelInfo
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>Embeds one text as this generator does.</summary>
    /// <param name="text">The text.</param>
    /// <param name="dimensions">The size of the vector.</param>
    /// <param name="seed">The hash's starting value (<see cref="Seed"/>).</param>
    /// <returns>The unit vector (zero for a text without words).</returns>
    public static float[] Embed(string text, int dimensions, uint seed = DefaultSeed)
    {
        var vector = new float[dimensions];
        foreach (var word in text.ToLower(CultureInfo.InvariantCulture).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var trimmed = word.Trim('.', ',', '?', '!', ':', ';', '"', '\'', '(', ')');
            if (trimmed.Length == 0)
            {
                continue;
            }

            var hash = seed;
            foreach (var c in trimmed)
            {
                hash = (hash ^ c) * 16777619u;
            }

            vector[hash % (uint)dimensions] += (hash & 0x80000000) == 0 ? 1f : -1f;
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        if (norm > 0)
        {
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] /= norm;
            }
        }

        return vector;
    }
}
