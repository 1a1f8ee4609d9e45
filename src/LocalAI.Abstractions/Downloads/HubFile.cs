namespace LocalAI;

/// <summary>What a hub's metadata says about one file of a repository.</summary>
/// <param name="Path">The path in the repository.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="Sha256">The SHA-256 of an LFS file (hexadecimal, lower case); <see langword="null"/> for a file kept in git itself.</param>
/// <param name="GitObjectId">The git blob id (SHA-1 of <c>blob &lt;size&gt;\0</c> and the content) of a file kept in git; for an LFS file the pointer's id.</param>
internal sealed record HubFile(string Path, long Size, string? Sha256, string? GitObjectId);
