using System.Buffers.Binary;
using Microsoft.Extensions.AI;

namespace LocalAI;

/// <summary>
/// What an embedding model does, rather than what it is called: its vectors of a small fixed set of probe texts. Two
/// generators whose probes agree (every probe's cosine at least <see cref="MinimumCosine"/>) produce comparable vectors,
/// whatever their names; two that share a name but disagree (other weights, a quantised copy, a build that computes
/// differently) do not.
/// </summary>
public sealed class EmbeddingFingerprint
{
    /// <summary>The lowest cosine similarity, per probe, at which two fingerprints agree.</summary>
    public const double MinimumCosine = 0.999;

    /// <summary>The version of the probe set; fingerprints of different versions are never compared.</summary>
    public const int ProbeSetVersion = 1;

    private const int HeaderLength = 12;
    private readonly float[][] _vectors;

    private EmbeddingFingerprint(float[][] vectors, int version)
    {
        _vectors = vectors;
        Version = version;
    }

    /// <summary>Gets the probe texts of version <see cref="ProbeSetVersion"/>: short, of different kinds, so that any change of weights or arithmetic moves at least one.</summary>
    public static IReadOnlyList<string> ProbeTexts { get; } =
    [
        "The weather is lovely today.",
        "How do I reset my password?",
        "Photosynthesis converts light energy into chemical energy in plants.",
        "SELECT name FROM users WHERE id = 42;",
        "Der schnelle braune Fuchs springt über den faulen Hund.",
        "42",
    ];

    /// <summary>Gets the version of the probe set these vectors are of.</summary>
    public int Version { get; }

    /// <summary>Gets the number of dimensions of the vectors.</summary>
    public int Dimensions => _vectors[0].Length;

    /// <summary>Gets the probe vectors, one per probe text, in order.</summary>
    public IReadOnlyList<ReadOnlyMemory<float>> Vectors => [.. _vectors.Select(v => (ReadOnlyMemory<float>)v)];

    /// <summary>Embeds the probe texts with a generator.</summary>
    /// <param name="generator">The generator.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The fingerprint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The generator returned another number of vectors than probes, or vectors of different sizes.</exception>
    public static async Task<EmbeddingFingerprint> ComputeAsync(IEmbeddingGenerator<string, Embedding<float>> generator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var embeddings = await generator.GenerateAsync(ProbeTexts, cancellationToken: cancellationToken).ConfigureAwait(false);
        return FromEmbeddings(embeddings);
    }

    /// <summary>Creates a fingerprint from the embeddings of <see cref="ProbeTexts"/>, in order.</summary>
    /// <param name="embeddings">The embeddings.</param>
    /// <returns>The fingerprint.</returns>
    /// <exception cref="InvalidOperationException">Not one vector per probe, or vectors of different sizes.</exception>
    public static EmbeddingFingerprint FromEmbeddings(IReadOnlyList<Embedding<float>> embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.Count != ProbeTexts.Count || embeddings.Any(e => e.Vector.Length == 0 || e.Vector.Length != embeddings[0].Vector.Length))
        {
            throw new InvalidOperationException($"A fingerprint needs one vector of one size per probe text ({ProbeTexts.Count}); the generator returned {embeddings.Count} of sizes {string.Join(", ", embeddings.Select(e => e.Vector.Length).Distinct())}.");
        }

        return new([.. embeddings.Select(e => e.Vector.ToArray())], ProbeSetVersion);
    }

    /// <summary>Reads a fingerprint written by <see cref="ToBytes"/>.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The fingerprint.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a fingerprint.</exception>
    public static EmbeddingFingerprint FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderLength)
        {
            throw new InvalidDataException($"An embedding fingerprint has at least {HeaderLength} bytes; this one has {bytes.Length}.");
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]);
        var dimensions = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        if (version < 1 || count is < 1 or > 1024 || dimensions is < 1 or > 65536 || bytes.Length != HeaderLength + ((long)count * dimensions * sizeof(float)))
        {
            throw new InvalidDataException($"The embedding fingerprint's header (version {version}, {count} probes of {dimensions} dimensions) does not match its {bytes.Length} bytes.");
        }

        var vectors = new float[count][];
        var offset = HeaderLength;
        for (var i = 0; i < count; i++)
        {
            vectors[i] = new float[dimensions];
            for (var d = 0; d < dimensions; d++, offset += sizeof(float))
            {
                vectors[i][d] = BinaryPrimitives.ReadSingleLittleEndian(bytes[offset..]);
            }
        }

        return new(vectors, version);
    }

    /// <summary>Writes the fingerprint: version, probe count and dimensions (little-endian 32-bit integers), then the vectors as little-endian floats.</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToBytes()
    {
        var bytes = new byte[HeaderLength + (_vectors.Length * Dimensions * sizeof(float))];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, Version);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), _vectors.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), Dimensions);
        var offset = HeaderLength;
        foreach (var vector in _vectors)
        {
            foreach (var value in vector)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(offset), value);
                offset += sizeof(float);
            }
        }

        return bytes;
    }

    /// <summary>Gets the lowest cosine similarity between the two fingerprints' vectors of the same probe.</summary>
    /// <param name="other">The other fingerprint.</param>
    /// <returns>The lowest cosine, from -1 to 1; <see cref="double.NaN"/> when the two cannot be compared (other probe set or dimensions).</returns>
    public double LowestCosine(EmbeddingFingerprint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Version != Version || other._vectors.Length != _vectors.Length || other.Dimensions != Dimensions)
        {
            return double.NaN;
        }

        var lowest = 1.0;
        for (var i = 0; i < _vectors.Length; i++)
        {
            lowest = Math.Min(lowest, Cosine(_vectors[i], other._vectors[i]));
        }

        return lowest;
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, normA = 0, normB = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            normA += (double)a[i] * a[i];
            normB += (double)b[i] * b[i];
        }

        return normA == 0 || normB == 0 ? (normA == normB ? 1 : 0) : dot / Math.Sqrt(normA * normB);
    }

    /// <summary>Returns whether the two fingerprints agree: same probe set and dimensions, every probe's cosine at least <see cref="MinimumCosine"/>.</summary>
    /// <param name="other">The other fingerprint.</param>
    /// <returns><see langword="true"/> when vectors of the two generators may be compared.</returns>
    public bool AgreesWith(EmbeddingFingerprint other) => LowestCosine(other) >= MinimumCosine;

    /// <summary>
    /// Throws unless vectors of <paramref name="offered"/> may be compared with those of <paramref name="recorded"/>: when both
    /// carry a fingerprint, the fingerprints decide (names are ignored); otherwise name and dimensions must be equal.
    /// </summary>
    /// <param name="recorded">The identity the vectors already held have.</param>
    /// <param name="offered">The identity of the generator about to add or query vectors.</param>
    /// <param name="context">Where (a store, the router), for the message.</param>
    /// <exception cref="EmbeddingModelMismatchException">They may not be compared; the message names the drift measured.</exception>
    public static void ThrowIfIncompatible(EmbeddingModelIdentity recorded, EmbeddingModelIdentity offered, string context)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(offered);
        if (recorded.Fingerprint is { } expected && offered.Fingerprint is { } actual)
        {
            var cosine = expected.LowestCosine(actual);
            if (!(cosine >= MinimumCosine))
            {
                throw new EmbeddingModelMismatchException(recorded, offered, context, cosine);
            }

            return;
        }

        if (!recorded.Equals(offered))
        {
            throw new EmbeddingModelMismatchException(recorded, offered, context);
        }
    }
}
