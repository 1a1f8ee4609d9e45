using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace LocalAI.Mlx;

/// <summary>Vectors of one batch in one array, row after row.</summary>
/// <param name="Values">All values.</param>
/// <param name="Dimensions">The length of each vector.</param>
internal readonly record struct VectorBlock(float[] Values, int Dimensions)
{
    /// <summary>Gets vector <paramref name="index"/> without copying.</summary>
    public ReadOnlyMemory<float> Row(int index) => Values.AsMemory(index * Dimensions, Dimensions);

    /// <summary>Reads the vectors of an <c>embed</c> answer (a base64 block of little-endian float32, or JSON arrays), checking counts and sizes.</summary>
    /// <param name="answer">The final line of the request.</param>
    /// <param name="expectedCount">How many texts were sent.</param>
    /// <param name="backendId">The backend, for the exception.</param>
    /// <exception cref="BackendProtocolException">The answer does not hold <paramref name="expectedCount"/> vectors of one size.</exception>
    public static VectorBlock Decode(SidecarMessage answer, int expectedCount, string backendId)
    {
        var count = answer.Count ?? answer.Embeddings?.Length ?? 0;
        var dimensions = answer.Dimensions ?? 0;
        if (count != expectedCount || dimensions <= 0)
        {
            throw Malformed($"the sidecar returned {count} vectors of {dimensions} dimensions for {expectedCount} texts", backendId);
        }

        var floats = new float[checked(count * dimensions)];
        if (answer.Data is { } data)
        {
            if (!Convert.TryFromBase64String(data, MemoryMarshal.AsBytes(floats.AsSpan()), out var written) || written != floats.Length * sizeof(float))
            {
                throw Malformed($"the base64 block does not hold {count} x {dimensions} float32 values", backendId);
            }

            if (!BitConverter.IsLittleEndian)
            {
                var ints = MemoryMarshal.Cast<float, int>(floats.AsSpan());
                BinaryPrimitives.ReverseEndianness(ints, ints);
            }
        }
        else if (answer.Embeddings is { } rows)
        {
            for (var i = 0; i < rows.Length; i++)
            {
                if (rows[i] is not { } row || row.Length != dimensions)
                {
                    throw Malformed($"vector {i} has {rows[i]?.Length ?? 0} values, not {dimensions}", backendId);
                }

                row.CopyTo(floats, i * dimensions);
            }
        }
        else
        {
            throw Malformed("the answer carries neither 'data' nor 'embeddings'", backendId);
        }

        return new VectorBlock(floats, dimensions);
    }

    private static BackendProtocolException Malformed(string what, string backendId) =>
        new($"The MLX sidecar sent a malformed embedding answer: {what}.") { BackendId = backendId };
}
