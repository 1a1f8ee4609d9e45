namespace LocalAI.Rag;

/// <summary>Settings of the embedded <see cref="FileVectorStore"/>.</summary>
public sealed class FileVectorStoreOptions
{
    /// <summary>Gets or sets the store file (created with its folder when missing).</summary>
    /// <value>The default value is <c>localai-rag/default.ragstore</c> under the current directory.</value>
    public string Path { get; set; } = System.IO.Path.Combine("localai-rag", "default.ragstore");

    /// <summary>Gets or sets a value indicating whether searches scan int8 copies of the vectors first and re-score the best candidates exactly.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool UseInt8 { get; set; }

    /// <summary>Gets or sets how many candidates per requested result the int8 pass hands to exact re-scoring.</summary>
    /// <value>The default value is 4.</value>
    public int RescoreFactor { get; set; } = 4;

    /// <summary>Gets or sets a value indicating whether each commit is forced to disk (<c>fsync</c>) before it returns.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool FlushToDisk { get; set; } = true;

    /// <summary>Gets or sets the store file size, in bytes, below which the file is never compacted.</summary>
    /// <value>The default value is 4 MiB.</value>
    public long CompactionMinimumBytes { get; set; } = 4L << 20;

    /// <summary>
    /// Gets or sets a value indicating whether the store is opened for reading only: no writer lock is taken (so it opens
    /// beside a writer in another process), nothing is ever written, and a damaged file is served with every intact
    /// record. It sees the file as it was when opened.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ReadOnly { get; set; }
}
