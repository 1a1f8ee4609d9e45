using Microsoft.Extensions.AI;

namespace LocalAI;

/// <summary>What makes two embedding vectors comparable: the same model name and the same number of dimensions.</summary>
/// <param name="Model">The model name (for example <c>all-MiniLM-L6-v2</c>); compared case-insensitively.</param>
/// <param name="Dimensions">The number of dimensions.</param>
public sealed record EmbeddingModelIdentity(string Model, int Dimensions)
{
    /// <summary>Gets the identity a generator declares in its <see cref="EmbeddingGeneratorMetadata"/>.</summary>
    /// <param name="generator">The generator.</param>
    /// <returns>The identity, or <see langword="null"/> when the generator does not declare both model and dimensions.</returns>
    public static EmbeddingModelIdentity? FromGenerator(IEmbeddingGenerator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        return metadata is { DefaultModelId: { } model, DefaultModelDimensions: { } dims } ? new(model, dims) : null;
    }

    /// <inheritdoc/>
    public bool Equals(EmbeddingModelIdentity? other) =>
        other is not null && Dimensions == other.Dimensions && string.Equals(Model, other.Model, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(Model), Dimensions);

    /// <inheritdoc/>
    public override string ToString() => $"'{Model}' ({Dimensions} dimensions)";
}
