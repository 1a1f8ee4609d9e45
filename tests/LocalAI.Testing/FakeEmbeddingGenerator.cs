using Microsoft.Extensions.AI;

namespace LocalAI.Testing;

/// <summary>An embedding generator that declares a model identity (the dimensions too, unless told not to, as a lazily loading generator does) and returns vectors of a chosen length, or fails.</summary>
public sealed class FakeEmbeddingGenerator(string model, int dimensions, int? returnedDimensions = null, bool declaresDimensions = true) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingGeneratorMetadata _metadata = new("test", null, model, declaresDimensions ? dimensions : null);

    public Exception? Failure { get; set; }

    public int Calls { get; private set; }

    /// <summary>Gets or sets the vector of a text; unset, a text's vector is one-hot at its length modulo the dimensions.</summary>
    public Func<string, float[]>? Vectors { get; set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        if (Failure is not null)
        {
            throw Failure;
        }

        var length = returnedDimensions ?? dimensions;
        var result = new GeneratedEmbeddings<Embedding<float>>(values.Select(v =>
        {
            if (Vectors is { } vectors)
            {
                return new Embedding<float>(vectors(v)) { ModelId = model };
            }

            var vector = new float[length];
            vector[v.Length % length] = 1f;
            return new Embedding<float>(vector) { ModelId = model };
        }));
        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
