using System.Security.Cryptography;
using System.Text;

namespace LocalAI.Rag;

/// <summary>Content hashes and stable chunk ids.</summary>
internal static class ChunkIds
{
    public static string Hash(string text)
    {
        Span<byte> digest = stackalloc byte[32];
        var bytes = Encoding.UTF8.GetBytes(text);
        SHA256.HashData(bytes, digest);
        return Convert.ToHexStringLower(digest);
    }

    public static string Create(string documentId, int index, string hash) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{documentId}:{index}:{hash.AsSpan(0, 16)}");
}
