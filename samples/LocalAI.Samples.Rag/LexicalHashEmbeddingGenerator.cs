using System.Globalization;
using Microsoft.Extensions.AI;

namespace LocalAI.Samples.Rag;

/// <summary>
/// Feature hashing of lower-cased words into 384 signed buckets, normalised: no model, no semantics, only word overlap.
/// The sample falls back to it when no embedding backend is configured, so that it runs anywhere.
/// </summary>
internal sealed class LexicalHashEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private const int Dimensions = 384;
    private static readonly EmbeddingGeneratorMetadata Metadata = new("lexical-hash", null, "lexical-hash-384", Dimensions);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var text in values)
        {
            var vector = new float[Dimensions];
            foreach (var word in text.ToLower(CultureInfo.InvariantCulture).Split(Separators, StringSplitOptions.RemoveEmptyEntries))
            {
                var hash = 2166136261u;
                foreach (var c in word)
                {
                    hash = (hash ^ c) * 16777619u;
                }

                vector[hash % Dimensions] += (hash & 0x80000000) == 0 ? 1f : -1f;
            }

            var norm = MathF.Sqrt(vector.Sum(v => v * v));
            for (var i = 0; norm > 0 && i < vector.Length; i++)
            {
                vector[i] /= norm;
            }

            result.Add(new Embedding<float>(vector) { ModelId = Metadata.DefaultModelId });
        }

        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private static readonly char[] Separators = [' ', '\t', '\r', '\n', '.', ',', ';', ':', '!', '?', '(', ')', '[', ']', '"', '\'', '`', '#', '*', '-', '/'];
}
