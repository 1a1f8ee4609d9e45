namespace LocalAI.Rag;

/// <summary>Chunk size and overlap, in tokens of the configured <see cref="ITokenCounter"/>.</summary>
public sealed class ChunkingOptions
{
    /// <summary>Gets or sets the largest chunk, in tokens, context (heading path) included.</summary>
    /// <value>The default value is 256.</value>
    public int ChunkSize { get; set; } = 256;

    /// <summary>Gets or sets how many tokens at most a chunk repeats from the end of the previous one.</summary>
    /// <value>The default value is 32.</value>
    public int ChunkOverlap { get; set; } = 32;

    internal void Validate()
    {
        if (ChunkSize < 8)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkSize), ChunkSize, "ChunkSize must be at least 8 tokens.");
        }

        if (ChunkOverlap < 0 || ChunkOverlap >= ChunkSize / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkOverlap), ChunkOverlap, $"ChunkOverlap must be between 0 and half of ChunkSize ({ChunkSize / 2 - 1}).");
        }
    }
}
