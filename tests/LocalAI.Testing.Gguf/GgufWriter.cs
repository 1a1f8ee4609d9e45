using System.Text;
using LocalAI.Gguf;

namespace LocalAI.Testing.Gguf;

/// <summary>Writes GGUF v3 files: metadata entries and F32/F16 tensors (or those of an existing file), data aligned to 32 bytes or <c>general.alignment</c>.</summary>
public sealed class GgufWriter
{
    private const int DefaultAlignment = 32;
    private readonly List<(string Key, GgufMetadataValue Value)> _metadata = [];
    private readonly List<(string Name, long[] Dims, int Type, byte[] Data)> _tensors = [];

    /// <summary>Gets the metadata entries in the order they are written.</summary>
    public IReadOnlyList<(string Key, GgufMetadataValue Value)> Metadata => _metadata;

    /// <summary>Gets the tensor names and dimensions in the order they are written.</summary>
    public IReadOnlyList<(string Name, long[] Dims)> Tensors => [.. _tensors.Select(t => (t.Name, t.Dims))];

    /// <summary>Starts a writer from an existing file: its metadata, and its tensors with their data.</summary>
    /// <param name="path">A GGUF file the managed reader accepts.</param>
    /// <returns>A writer that writes the same model until it is changed.</returns>
    public static GgufWriter From(string path)
    {
        var file = GgufFile.Read(path);
        var writer = new GgufWriter();
        foreach (var (key, value) in file.Metadata)
        {
            writer._metadata.Add((key, value));
        }

        using var stream = File.OpenRead(path);
        foreach (var tensor in file.Tensors)
        {
            var data = new byte[tensor.SizeBytes];
            stream.Position = file.DataOffset + tensor.Offset;
            stream.ReadExactly(data);
            writer._tensors.Add((tensor.Name, [.. tensor.Dimensions], tensor.Type, data));
        }

        return writer;
    }

    /// <summary>Removes a metadata entry, if present.</summary>
    /// <param name="key">The key.</param>
    /// <returns>This writer.</returns>
    public GgufWriter Remove(string key)
    {
        _metadata.RemoveAll(m => m.Key == key);
        return this;
    }

    /// <summary>Gives a metadata entry another key, keeping its place and value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="newKey">The new key.</param>
    /// <returns>This writer.</returns>
    public GgufWriter Rename(string key, string newKey)
    {
        var index = _metadata.FindIndex(m => m.Key == key);
        _metadata[index] = (newKey, _metadata[index].Value);
        return this;
    }

    /// <summary>Gives a tensor other dimensions, its data cut or zero-filled to the new element count.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="dims">The new dimensions, innermost first.</param>
    /// <returns>This writer.</returns>
    public GgufWriter Reshape(string name, long[] dims)
    {
        var index = _tensors.FindIndex(t => t.Name == name);
        var (_, oldDims, type, data) = _tensors[index];
        var elementSize = data.Length / oldDims.Aggregate(1L, (a, b) => a * b);
        var resized = new byte[dims.Aggregate(1L, (a, b) => a * b) * elementSize];
        data.AsSpan(0, (int)Math.Min(data.Length, resized.Length)).CopyTo(resized);
        _tensors[index] = (name, dims, type, resized);
        return this;
    }

    /// <summary>Sets a metadata entry, replacing one with the same key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>This writer.</returns>
    public GgufWriter Set(string key, GgufMetadataValue value)
    {
        _metadata.RemoveAll(m => m.Key == key);
        _metadata.Add((key, value));
        return this;
    }

    /// <summary>Sets a string entry.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>This writer.</returns>
    public GgufWriter SetString(string key, string value) => Set(key, new GgufMetadataValue(GgufValueType.String, value));

    /// <summary>Sets an unsigned 32-bit integer entry.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>This writer.</returns>
    public GgufWriter SetUInt32(string key, uint value) => Set(key, new GgufMetadataValue(GgufValueType.UInt32, (long)value));

    /// <summary>Sets a 32-bit float entry.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>This writer.</returns>
    public GgufWriter SetFloat32(string key, float value) => Set(key, new GgufMetadataValue(GgufValueType.Float32, (double)value));

    /// <summary>Sets a boolean entry.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>This writer.</returns>
    public GgufWriter SetBool(string key, bool value) => Set(key, new GgufMetadataValue(GgufValueType.Bool, value));

    /// <summary>Adds a tensor of uniform random values in [-<paramref name="scale"/>, <paramref name="scale"/>].</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="dims">The dimensions, innermost first.</param>
    /// <param name="random">The source of the values.</param>
    /// <param name="scale">The largest magnitude.</param>
    /// <param name="f16">Store as F16 rather than F32.</param>
    /// <returns>This writer.</returns>
    public GgufWriter AddTensor(string name, long[] dims, Random random, float scale, bool f16 = false)
    {
        var count = dims.Aggregate(1L, (a, b) => a * b);
        var data = new byte[count * (f16 ? 2 : 4)];
        for (var i = 0; i < count; i++)
        {
            var value = (float)((random.NextDouble() * 2 - 1) * scale);
            if (f16)
            {
                BitConverter.TryWriteBytes(data.AsSpan(i * 2), (Half)value);
            }
            else
            {
                BitConverter.TryWriteBytes(data.AsSpan(i * 4), value);
            }
        }

        _tensors.Add((name, dims, f16 ? 1 : 0, data));
        return this;
    }

    /// <summary>Adds a one-dimensional F32 tensor of one value (norm weights and biases).</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="length">The number of elements.</param>
    /// <param name="value">The value of each.</param>
    /// <returns>This writer.</returns>
    public GgufWriter AddConstant(string name, long length, float value)
    {
        var data = new byte[length * 4];
        for (var i = 0; i < length; i++)
        {
            BitConverter.TryWriteBytes(data.AsSpan(i * 4), value);
        }

        _tensors.Add((name, [length], 0, data));
        return this;
    }

    /// <summary>Adds a linear layer: <c>&lt;prefix&gt;.weight</c> of random values in [-0.2, 0.2], then <c>&lt;prefix&gt;.bias</c> in [-0.05, 0.05], both F32.</summary>
    /// <param name="prefix">The layer's name, for example <c>blk.0.attn_q</c>.</param>
    /// <param name="inputs">The input width.</param>
    /// <param name="outputs">The output width.</param>
    /// <param name="random">The source of the values.</param>
    /// <returns>This writer.</returns>
    public GgufWriter AddLinear(string prefix, long inputs, long outputs, Random random) =>
        AddTensor($"{prefix}.weight", [inputs, outputs], random, 0.2f).AddTensor($"{prefix}.bias", [outputs], random, 0.05f);

    /// <summary>Adds a layer norm that changes nothing: <c>&lt;prefix&gt;.weight</c> of ones and <c>&lt;prefix&gt;.bias</c> of zeros.</summary>
    /// <param name="prefix">The norm's name, for example <c>blk.0.attn_output_norm</c>.</param>
    /// <param name="width">The number of elements of each.</param>
    /// <returns>This writer.</returns>
    public GgufWriter AddLayerNorm(string prefix, long width) => AddConstant($"{prefix}.weight", width, 1f).AddConstant($"{prefix}.bias", width, 0f);

    /// <summary>Writes the file, through a temporary file moved into place; data is aligned to <c>general.alignment</c> when it is a power of two, else to 32 bytes.</summary>
    /// <param name="path">The file to write.</param>
    public void Write(string path)
    {
        var alignment = _metadata.FirstOrDefault(m => m.Key == "general.alignment").Value?.AsInt64() is { } a && a > 0 && a <= 1 << 16 && (a & (a - 1)) == 0 ? a : DefaultAlignment;
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(0x46554747u);
        w.Write(3u);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach (var (key, value) in _metadata)
        {
            WriteString(w, key);
            w.Write((uint)value.Type);
            if (value.Type == GgufValueType.Array)
            {
                var array = (Array)value.Value;
                w.Write((uint)value.ElementType!.Value);
                w.Write((ulong)array.Length);
                foreach (var item in array)
                {
                    WriteScalar(w, value.ElementType.Value, item!);
                }
            }
            else
            {
                WriteScalar(w, value.Type, value.Value);
            }
        }

        long offset = 0;
        foreach (var (name, dims, type, data) in _tensors)
        {
            WriteString(w, name);
            w.Write((uint)dims.Length);
            foreach (var d in dims)
            {
                w.Write((ulong)d);
            }

            w.Write((uint)type);
            w.Write((ulong)offset);
            offset = Align(offset + data.Length, alignment);
        }

        Pad(w, alignment);
        foreach (var (_, _, _, data) in _tensors)
        {
            w.Write(data);
            Pad(w, alignment);
        }

        w.Flush();
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, stream.ToArray());
        File.Move(temp, path, overwrite: true);
    }

    private static long Align(long value, long alignment) => (value + alignment - 1) / alignment * alignment;

    private static void Pad(BinaryWriter w, long alignment)
    {
        while (w.BaseStream.Position % alignment != 0)
        {
            w.Write((byte)0);
        }
    }

    private static void WriteString(BinaryWriter w, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteScalar(BinaryWriter w, GgufValueType type, object value)
    {
        switch (type)
        {
            case GgufValueType.UInt8: w.Write((byte)(long)value); break;
            case GgufValueType.Int8: w.Write((sbyte)(long)value); break;
            case GgufValueType.UInt16: w.Write((ushort)(long)value); break;
            case GgufValueType.Int16: w.Write((short)(long)value); break;
            case GgufValueType.UInt32: w.Write((uint)(long)value); break;
            case GgufValueType.Int32: w.Write(value is int i ? i : (int)(long)value); break;
            case GgufValueType.Float32: w.Write(value is float f ? f : (float)(double)value); break;
            case GgufValueType.Bool: w.Write((bool)value ? (byte)1 : (byte)0); break;
            case GgufValueType.String: WriteString(w, (string)value); break;
            case GgufValueType.UInt64: w.Write((ulong)value); break;
            case GgufValueType.Int64: w.Write((long)value); break;
            case GgufValueType.Float64: w.Write((double)value); break;
            default: throw new NotSupportedException(type.ToString());
        }
    }
}
