using System.Buffers.Binary;

namespace LocalAI.Testing.Models;

/// <summary>
/// Rewrites the float weights (graph initializers) of an ONNX model in place, so that tests can make "the same model,
/// other weights": a copy with noise added, or a copy quantised to 8 bits and back. Reads the ModelProto protobuf
/// just far enough to find each initializer's <c>raw_data</c> or packed <c>float_data</c>; the file keeps its size and layout.
/// </summary>
public static class OnnxWeightRewriter
{
    private const int ModelGraph = 7;          // ModelProto.graph
    private const int GraphInitializer = 5;    // GraphProto.initializer
    private const int TensorDataType = 2;      // TensorProto.data_type
    private const int TensorFloatData = 4;     // TensorProto.float_data (packed)
    private const int TensorRawData = 9;       // TensorProto.raw_data
    private const int FloatType = 1;           // TensorProto.DataType.FLOAT

    /// <summary>Copies a model folder and rewrites the copy's <c>model.onnx</c> weights with <paramref name="rewrite"/>.</summary>
    /// <param name="source">The model folder.</param>
    /// <param name="destination">The new folder.</param>
    /// <param name="rewrite">Changes one tensor's floats in place.</param>
    /// <returns>The number of float tensors rewritten.</returns>
    public static int CopyWithWeights(string source, string destination, Action<Span<float>> rewrite)
    {
        ArgumentNullException.ThrowIfNull(rewrite);
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (Path.GetFileName(file) != "model.onnx")
            {
                File.Copy(file, target);
            }
        }

        var model = File.ReadAllBytes(Path.Combine(source, "model.onnx"));
        var count = 0;
        foreach (var (start, length) in Fields(model, 0, model.Length, ModelGraph))
        {
            foreach (var (tensorStart, tensorLength) in Fields(model, start, length, GraphInitializer))
            {
                count += RewriteTensor(model.AsSpan(tensorStart, tensorLength), model, tensorStart, rewrite) ? 1 : 0;
            }
        }

        File.WriteAllBytes(Path.Combine(destination, "model.onnx"), model);
        return count;
    }

    /// <summary>Adds deterministic noise of relative size <paramref name="scale"/> to every weight (each weight <c>w</c> becomes <c>w * (1 + scale * u)</c>, <c>u</c> uniform in [-1, 1]).</summary>
    /// <param name="scale">The relative size of the noise.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The rewrite.</returns>
    public static Action<Span<float>> Perturb(float scale, int seed = 1)
    {
        var random = new Random(seed);
        return weights =>
        {
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] *= 1 + (scale * ((2 * random.NextSingle()) - 1));
            }
        };
    }

    /// <summary>Quantises every tensor symmetrically to 8 bits (per tensor, scale = max |w| / 127) and back to floats, as an int8 export would.</summary>
    /// <returns>The rewrite.</returns>
    public static Action<Span<float>> QuantiseInt8() => weights =>
    {
        var max = 0f;
        foreach (var w in weights)
        {
            max = MathF.Max(max, MathF.Abs(w));
        }

        if (max == 0)
        {
            return;
        }

        var scale = max / 127f;
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = MathF.Round(weights[i] / scale) * scale;
        }
    };

    private static bool RewriteTensor(ReadOnlySpan<byte> tensor, byte[] model, int offset, Action<Span<float>> rewrite)
    {
        var dataType = 0L;
        (int Start, int Length)? data = null;
        var position = 0;
        while (position < tensor.Length)
        {
            var key = ReadVarint(tensor, ref position);
            var field = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0:
                    var value = ReadVarint(tensor, ref position);
                    dataType = field == TensorDataType ? (long)value : dataType;
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(tensor, ref position);
                    if (field is TensorRawData or TensorFloatData)
                    {
                        data = (position, length);
                    }

                    position += length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type in an ONNX initializer at byte {offset + position}.");
            }
        }

        if (dataType != FloatType || data is not { } found || found.Length % 4 != 0)
        {
            return false;
        }

        var bytes = model.AsSpan(offset + found.Start, found.Length);
        var floats = new float[found.Length / 4];
        for (var i = 0; i < floats.Length; i++)
        {
            floats[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
        }

        rewrite(floats);
        for (var i = 0; i < floats.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes[(i * 4)..], floats[i]);
        }

        return true;
    }

    /// <summary>Finds the length-delimited occurrences of a field in a protobuf message.</summary>
    private static List<(int Start, int Length)> Fields(byte[] buffer, int start, int length, int wanted)
    {
        var found = new List<(int, int)>();
        var span = buffer.AsSpan(start, length);
        var position = 0;
        while (position < span.Length)
        {
            var key = ReadVarint(span, ref position);
            var field = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0:
                    ReadVarint(span, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    var size = (int)ReadVarint(span, ref position);
                    if (field == wanted)
                    {
                        found.Add((start + position, size));
                    }

                    position += size;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type at byte {start + position} of the ONNX model.");
            }
        }

        return found;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("A protobuf varint is longer than 10 bytes.");
    }
}
