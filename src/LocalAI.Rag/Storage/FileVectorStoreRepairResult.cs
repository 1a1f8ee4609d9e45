namespace LocalAI.Rag;

/// <summary>What <see cref="FileVectorStore.RepairAsync"/> did to a store file.</summary>
/// <param name="Path">The store file.</param>
/// <param name="Damage">The damaged ranges dropped (each failed its checksum while valid records followed it).</param>
/// <param name="TornTailBytes">The bytes of an incomplete last write dropped from the end.</param>
/// <param name="DroppedDocumentIds">
/// The document ids readable in the dropped records (best effort). A dropped id that is still in the store holds the
/// version written before the damaged record; one that is not was only in the damaged record.
/// </param>
/// <param name="DocumentsKept">The documents in the repaired store.</param>
/// <param name="ChunksKept">The chunks in the repaired store.</param>
/// <param name="ModelRestored">Whether the embedding model record was damaged and written again from the model given to the repair.</param>
/// <param name="BackupPath">Where the file as it was before the repair was copied; <see langword="null"/> when there was nothing to repair and the file was not touched.</param>
public sealed record FileVectorStoreRepairResult(
    string Path,
    IReadOnlyList<StoreDamage> Damage,
    long TornTailBytes,
    IReadOnlyList<string> DroppedDocumentIds,
    int DocumentsKept,
    long ChunksKept,
    bool ModelRestored,
    string? BackupPath)
{
    /// <summary>Gets a value indicating whether the file was rewritten.</summary>
    public bool Repaired => BackupPath is not null;
}
