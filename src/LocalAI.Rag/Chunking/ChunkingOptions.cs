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

    /// <summary>The smallest chunk size, in tokens.</summary>
    internal const int MinimumChunkSize = 8;

    /// <summary>Describes what is out of range, naming each setting with <paramref name="keyPrefix"/> (<c>LocalAI:Rag:</c> for the configuration).</summary>
    /// <param name="chunkSize">The chunk size.</param>
    /// <param name="chunkOverlap">The chunk overlap.</param>
    /// <param name="keyPrefix">What comes before each setting's name in the messages.</param>
    /// <returns>One message per problem; none when both are in range.</returns>
    internal static IEnumerable<string> Failures(int chunkSize, int chunkOverlap, string keyPrefix)
    {
        if (chunkSize < MinimumChunkSize)
        {
            yield return $"{keyPrefix}ChunkSize is {chunkSize}; it must be at least {MinimumChunkSize} tokens.";
        }

        if (chunkOverlap < 0 || chunkOverlap >= chunkSize / 2)
        {
            yield return $"{keyPrefix}ChunkOverlap is {chunkOverlap}; it must be between 0 and {Math.Max(0, (chunkSize / 2) - 1)} (under half of ChunkSize).";
        }
    }

    /// <summary>Throws when the size or overlap is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size or overlap is out of range; the message says which and the allowed range.</exception>
    internal void Validate()
    {
        if (Failures(ChunkSize, ChunkOverlap, "ChunkingOptions.").FirstOrDefault() is { } failure)
        {
            throw new ArgumentOutOfRangeException(ChunkSize < MinimumChunkSize ? nameof(ChunkSize) : nameof(ChunkOverlap), failure);
        }
    }
}
