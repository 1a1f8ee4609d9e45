using System.Buffers.Binary;
using System.Text;

namespace LocalAI.Gguf;

/// <summary>Reads and validates the header, metadata and tensor table of a GGUF v2/v3 file against its size, without native code.</summary>
internal sealed class GgufReader
{
    public const uint Magic = 0x46554747; // "GGUF" little-endian
    public const int MaxNameLength = 64; // GGML_MAX_NAME, including the terminating NUL
    public const int MaxDimensions = 4;
    private const int MaxKeyLength = 65535;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly string _path;
    private readonly long _length;
    private readonly byte[] _scratch = new byte[8];

    private GgufReader(Stream stream, string path)
    {
        _stream = stream;
        _path = path;
        _length = stream.Length;
    }

    private long Remaining => _length - _stream.Position;

    public static GgufFile Read(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException ex)
        {
            throw new InvalidModelFileException(path, "the file does not exist", ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new InvalidModelFileException(path, "the folder does not exist", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new InvalidModelFileException(path, "the file cannot be read (access denied)", ex);
        }

        using (stream)
        {
            try
            {
                return new GgufReader(stream, path).ReadFile();
            }
            catch (IOException ex)
            {
                throw new InvalidModelFileException(path, "the file could not be read: " + ex.Message, ex);
            }
        }
    }

    private InvalidModelFileException Invalid(string reason) => new(_path, reason, null);

    private GgufFile ReadFile()
    {
        if (_length < 24)
        {
            throw Invalid($"the file is {_length} bytes, too short for a GGUF header (24 bytes)");
        }

        var magic = ReadUInt32();
        if (magic != Magic)
        {
            throw Invalid($"not a GGUF file (bad magic 0x{magic:X8}, expected 0x{Magic:X8} \"GGUF\")");
        }

        var version = ReadUInt32();
        if (version is not (2 or 3))
        {
            throw Invalid($"GGUF version {version} is not supported (only versions 2 and 3 are)");
        }

        var tensorCount = ReadUInt64();
        var kvCount = ReadUInt64();

        // Each key-value pair takes at least 13 bytes (key length, one byte of key, type), each tensor entry at least 33.
        if (kvCount > (ulong)Remaining / 13)
        {
            throw Invalid($"the header declares {kvCount} metadata entries, more than the {_length}-byte file can hold");
        }

        if (tensorCount > (ulong)Remaining / 33)
        {
            throw Invalid($"the header declares {tensorCount} tensors, more than the {_length}-byte file can hold");
        }

        var metadata = new Dictionary<string, GgufMetadataValue>((int)kvCount, StringComparer.Ordinal);
        for (ulong i = 0; i < kvCount; i++)
        {
            var key = ReadString("metadata key", MaxKeyLength, strict: true);
            if (key.Length == 0)
            {
                throw Invalid($"metadata entry {i} has an empty key");
            }

            var type = ReadValueType(key);
            var value = ReadValue(key, type);
            if (!metadata.TryAdd(key, value))
            {
                throw Invalid($"metadata key '{key}' appears twice");
            }
        }

        var alignment = 32L;
        if (metadata.TryGetValue("general.alignment", out var alignValue))
        {
            if (alignValue.Type != GgufValueType.UInt32 || alignValue.AsInt64() is not { } a || a == 0 || (a & (a - 1)) != 0)
            {
                throw Invalid("general.alignment must be a non-zero power of two stored as uint32");
            }

            alignment = a;
        }

        var tensors = new List<GgufTensorInfo>((int)tensorCount);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (ulong i = 0; i < tensorCount; i++)
        {
            var name = ReadString("tensor name", MaxNameLength - 1, strict: true);
            if (!names.Add(name))
            {
                throw Invalid($"tensor '{name}' appears twice in the tensor table");
            }

            var dimensionCount = ReadUInt32();
            if (dimensionCount is 0 or > MaxDimensions)
            {
                throw Invalid($"tensor '{name}' has {dimensionCount} dimensions (1 to {MaxDimensions} are allowed)");
            }

            var dims = new long[dimensionCount];
            long elements = 1;
            for (var d = 0; d < dimensionCount; d++)
            {
                var dim = ReadUInt64();
                if (dim == 0 || dim > long.MaxValue)
                {
                    throw Invalid($"tensor '{name}' has dimension {d} of size {dim}");
                }

                if (elements > long.MaxValue / (long)dim)
                {
                    throw Invalid($"tensor '{name}' has more elements than a 64-bit count holds");
                }

                dims[d] = (long)dim;
                elements *= (long)dim;
            }

            var type = (int)ReadUInt32();
            if (!GgmlTypes.TryGet(type, out var blockSize, out var typeSize))
            {
                throw Invalid($"tensor '{name}' has unknown ggml type {type}");
            }

            if (dims[0] % blockSize != 0)
            {
                throw Invalid($"tensor '{name}' of type {GgmlTypes.Name(type)} has a row of {dims[0]} elements, not a multiple of its block size {blockSize}");
            }

            var offset = ReadUInt64();
            if (offset > long.MaxValue || (long)offset % alignment != 0)
            {
                throw Invalid($"tensor '{name}' has offset {offset}, not a multiple of the alignment {alignment}");
            }

            var blocks = elements / blockSize;
            if (blocks > long.MaxValue / typeSize)
            {
                throw Invalid($"tensor '{name}' is larger than a 64-bit size holds");
            }

            tensors.Add(new GgufTensorInfo(name, dims, type, (long)offset, blocks * typeSize));
        }

        var dataOffset = Align(_stream.Position, alignment);
        if (tensorCount > 0 && dataOffset > _length)
        {
            throw Invalid($"the file is truncated: the data section would start at byte {dataOffset} of a {_length}-byte file");
        }

        var expected = 0L;
        foreach (var tensor in tensors)
        {
            if (tensor.Offset != expected)
            {
                throw Invalid($"tensor '{tensor.Name}' has offset {tensor.Offset}, expected {expected} (tensors must be stored in table order, aligned to {alignment})");
            }

            if (tensor.SizeBytes > _length - dataOffset - tensor.Offset)
            {
                throw Invalid($"the file is truncated: tensor '{tensor.Name}' needs bytes up to {dataOffset + tensor.Offset + tensor.SizeBytes} of a {_length}-byte file");
            }

            expected = Align(tensor.Offset + tensor.SizeBytes, alignment);
        }

        var file = new GgufFile(_path, (int)version, alignment, dataOffset, _length, metadata, tensors);
        GgufModelValidator.Validate(file);
        return file;
    }

    private static long Align(long value, long alignment) => (value + alignment - 1) / alignment * alignment;

    private GgufValueType ReadValueType(string key)
    {
        var raw = ReadUInt32();
        if (raw > (uint)GgufValueType.Float64)
        {
            throw Invalid($"metadata key '{key}' has unknown value type {raw}");
        }

        return (GgufValueType)raw;
    }

    private GgufMetadataValue ReadValue(string key, GgufValueType type)
    {
        if (type == GgufValueType.Array)
        {
            var elementType = ReadValueType(key);
            if (elementType == GgufValueType.Array)
            {
                throw Invalid($"metadata key '{key}' is an array of arrays, which GGUF readers do not support");
            }

            var count = ReadUInt64();
            var minSize = elementType == GgufValueType.String ? 8UL : (ulong)ScalarSize(elementType);
            if (count > (ulong)Remaining / minSize)
            {
                throw Invalid($"metadata array '{key}' declares {count} elements, more than the rest of the file holds");
            }

            return new GgufMetadataValue(type, ReadArray(key, elementType, (int)count), elementType);
        }

        return new GgufMetadataValue(type, ReadScalar(key, type));
    }

    private Array ReadArray(string key, GgufValueType elementType, int count)
    {
        switch (elementType)
        {
            case GgufValueType.String:
                var strings = new string[count];
                for (var i = 0; i < count; i++)
                {
                    strings[i] = ReadString($"element {i} of '{key}'", int.MaxValue, strict: false);
                }

                return strings;
            case GgufValueType.Float32:
                var floats = new float[count];
                var floatBytes = ReadBytes(count * 4L, key);
                for (var i = 0; i < count; i++)
                {
                    floats[i] = BinaryPrimitives.ReadSingleLittleEndian(floatBytes.AsSpan(i * 4));
                }

                return floats;
            case GgufValueType.Int32:
                var ints = new int[count];
                var intBytes = ReadBytes(count * 4L, key);
                for (var i = 0; i < count; i++)
                {
                    ints[i] = BinaryPrimitives.ReadInt32LittleEndian(intBytes.AsSpan(i * 4));
                }

                return ints;
            default:
                var values = new object[count];
                for (var i = 0; i < count; i++)
                {
                    values[i] = ReadScalar(key, elementType);
                }

                return values;
        }
    }

    private object ReadScalar(string key, GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => (long)ReadBytes(1, key)[0],
        GgufValueType.Int8 => (long)(sbyte)ReadBytes(1, key)[0],
        GgufValueType.UInt16 => (long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2, key)),
        GgufValueType.Int16 => (long)BinaryPrimitives.ReadInt16LittleEndian(ReadBytes(2, key)),
        GgufValueType.UInt32 => (long)ReadUInt32(),
        GgufValueType.Int32 => (long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4, key)),
        GgufValueType.Float32 => (double)BinaryPrimitives.ReadSingleLittleEndian(ReadBytes(4, key)),
        GgufValueType.Bool => ReadBool(key),
        GgufValueType.String => ReadString($"value of '{key}'", int.MaxValue, strict: false),
        GgufValueType.UInt64 => ReadUInt64(),
        GgufValueType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(8, key)),
        GgufValueType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(ReadBytes(8, key)),
        _ => throw Invalid($"metadata key '{key}' has unknown value type {(int)type}"),
    };

    private bool ReadBool(string key)
    {
        var b = ReadBytes(1, key)[0];
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw Invalid($"metadata key '{key}' holds the bool byte {b} (only 0 and 1 are valid)"),
        };
    }

    private static int ScalarSize(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        _ => 8,
    };

    private string ReadString(string what, int maxLength, bool strict)
    {
        var size = ReadUInt64();
        if (size > (ulong)Remaining)
        {
            throw Invalid($"the {what} declares {size} bytes, past the end of the file");
        }

        if (size > (ulong)maxLength)
        {
            throw Invalid($"the {what} is {size} bytes long (at most {maxLength} allowed)");
        }

        var bytes = ReadBytes((long)size, what);
        if (strict && bytes.AsSpan().Contains((byte)0))
        {
            throw Invalid($"the {what} contains a NUL byte");
        }

        try
        {
            return strict ? StrictUtf8.GetString(bytes) : Encoding.UTF8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid($"the {what} is not valid UTF-8");
        }
    }

    private uint ReadUInt32()
    {
        Fill(4);
        return BinaryPrimitives.ReadUInt32LittleEndian(_scratch);
    }

    private ulong ReadUInt64()
    {
        Fill(8);
        return BinaryPrimitives.ReadUInt64LittleEndian(_scratch);
    }

    private void Fill(int count)
    {
        if (Remaining < count)
        {
            throw Invalid($"the file is truncated at byte {_stream.Position} (needed {count} more bytes)");
        }

        _stream.ReadExactly(_scratch, 0, count);
    }

    private byte[] ReadBytes(long count, string what)
    {
        if (count > Remaining)
        {
            throw Invalid($"the file is truncated inside {what} at byte {_stream.Position}");
        }

        var bytes = new byte[count];
        _stream.ReadExactly(bytes);
        return bytes;
    }
}
