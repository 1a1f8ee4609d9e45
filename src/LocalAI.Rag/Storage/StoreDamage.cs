namespace LocalAI.Rag;

/// <summary>A range of a store file that fails its checksum while valid records follow it.</summary>
/// <param name="Offset">Where the damaged bytes start, from the start of the file.</param>
/// <param name="Length">How many bytes, up to the next valid record.</param>
/// <param name="DocumentIds">The document ids still readable in the damaged record (best effort; may be incomplete).</param>
public sealed record StoreDamage(long Offset, long Length, IReadOnlyList<string> DocumentIds);
