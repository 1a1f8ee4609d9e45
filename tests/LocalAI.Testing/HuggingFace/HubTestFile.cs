using System.Security.Cryptography;
using System.Text;

namespace LocalAI.Testing.HuggingFace;

/// <summary>A file of a <see cref="HubTestServer"/> repository, with the checksums the hub publishes for it.</summary>
internal sealed class HubTestFile(string path, byte[] content, bool lfs)
{
    public string Path { get; } = path;

    public byte[] Content { get; } = content;

    public bool Lfs { get; } = lfs;

    public string Sha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(content));

#pragma warning disable CA5350 // Git's object id is a SHA-1 by definition.
    public string GitObjectId { get; } = Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {content.Length}\0"), .. content]));
#pragma warning restore CA5350

    public object Describe() => Lfs
        ? new { type = "file", path = Path, size = Content.Length, oid = GitObjectId, lfs = new { oid = Sha256, size = Content.Length, pointerSize = 134 } }
        : new { type = "file", path = Path, size = Content.Length, oid = GitObjectId };
}
