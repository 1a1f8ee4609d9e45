using Microsoft.Extensions.AI;

namespace LocalAI;

/// <summary>
/// What makes two embedding vectors comparable: the same model name and the same number of dimensions, or, where both
/// sides carry one, agreeing <see cref="EmbeddingFingerprint"/>s (see <see cref="EmbeddingFingerprint.ThrowIfIncompatible"/>).
/// </summary>
/// <remarks>Equality compares name and dimensions only; the fingerprint is what a store or the router measures on top.</remarks>
/// <param name="Model">The model name (for example <c>all-MiniLM-L6-v2</c>); compared case-insensitively.</param>
/// <param name="Dimensions">The number of dimensions.</param>
public sealed record EmbeddingModelIdentity(string Model, int Dimensions)
{
    /// <summary>Gets the vectors of the probe texts, when they were measured.</summary>
    public EmbeddingFingerprint? Fingerprint { get; init; }

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
