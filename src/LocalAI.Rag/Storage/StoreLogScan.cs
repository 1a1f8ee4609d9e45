namespace LocalAI.Rag;

/// <summary>What replaying a store file found: where its valid records end, which bytes are damaged, and any torn tail.</summary>
internal sealed class StoreLogScan
{
    /// <summary>Gets or sets the file's length when it was read.</summary>
    public long FileLength { get; set; }

    /// <summary>Gets or sets the offset just past the last valid record (0 for a file without a header yet).</summary>
    public long End { get; set; }

    /// <summary>Gets the damaged byte ranges that valid records follow, in file order.</summary>
    public List<StoreDamage> Damage { get; } = [];

    /// <summary>Gets or sets how many valid records follow the first damaged range.</summary>
    public int RecordsAfterDamage { get; set; }

    /// <summary>Gets or sets the bytes of an incomplete last write (only garbage after the last valid record).</summary>
    public long TornTailBytes { get; set; }
}
