namespace LocalAI.Rag;

/// <summary>Settings of the <see cref="RagContextBuilder"/>.</summary>
public sealed class RagContextOptions
{
    /// <summary>Gets or sets the most tokens the passages may take in the prompt.</summary>
    /// <value>The default value is 1500.</value>
    public int MaxTokens { get; set; } = 1500;

    /// <summary>Gets or sets a value indicating whether passages with the same text (overlapping re-indexed copies, duplicated files) are given once.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RemoveDuplicates { get; set; } = true;
}
