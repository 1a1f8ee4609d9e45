using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace LocalAI.Rag;

/// <summary>
/// The file format of the embedded store: an append-only sequence of records after an 8-byte header, each record
/// <c>[length:int32][crc32:uint32][payload]</c> whose payload starts with its operation (model, replace, delete). A torn
/// tail is dropped on open; damage followed by valid records is reported, never truncated.
/// </summary>
internal static class StoreFileFormat
{
    public const int HeaderLength = 8;

    /// <summary>The bytes before each record's payload: its length and its CRC-32.</summary>
    public const int FrameHeaderLength = 8;
    public const byte OpModel = 1;
    public const byte OpReplace = 2;
    public const byte OpDelete = 3;

    public static ReadOnlySpan<byte> Magic => "LRAGLOG1"u8;

    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[FrameHeaderLength + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32.HashToUInt32(payload));
        payload.CopyTo(frame.AsSpan(FrameHeaderLength));
        return frame;
    }

    public static byte[] ModelPayload(EmbeddingModelIdentity model)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(OpModel);
            writer.Write(model.Model);
            writer.Write(model.Dimensions);
            if (model.Fingerprint is { } fingerprint)
            {
                // Files written before fingerprints existed end here; their readers stop after the dimensions.
                var bytes = fingerprint.ToBytes();
                writer.Write(bytes.Length);
                writer.Write(bytes);
            }
        }

        return stream.ToArray();
    }

    /// <summary>Reads a model record's payload after its operation byte: name, dimensions, and the fingerprint when one was recorded.</summary>
    public static EmbeddingModelIdentity ReadModel(BinaryReader reader)
    {
        var model = new EmbeddingModelIdentity(reader.ReadString(), reader.ReadInt32());
        if (reader.BaseStream.Position >= reader.BaseStream.Length)
        {
            return model;
        }

        var length = reader.ReadInt32();
        return model with { Fingerprint = EmbeddingFingerprint.FromBytes(reader.ReadBytes(length)) };
    }

    public static byte[] DeletePayload(string documentId)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(OpDelete);
            writer.Write(documentId);
        }

        return stream.ToArray();
    }

    /// <summary>Writes a replace record's frame into <paramref name="buffer"/> (cleared first, its capacity kept) and returns the frame: one buffer reused per commit instead of a payload, a copy of it and a frame per group of documents.</summary>
    public static ReadOnlyMemory<byte> ReplaceFrame(MemoryStream buffer, IReadOnlyList<DocumentRecords> documents)
    {
        buffer.SetLength(0);
        Span<byte> header = stackalloc byte[FrameHeaderLength];
        buffer.Write(header);
        WriteReplacePayload(buffer, documents);
        var frame = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        var payload = frame.Span[FrameHeaderLength..];
        BinaryPrimitives.WriteInt32LittleEndian(frame.Span, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.Span[4..], Crc32.HashToUInt32(payload));
        return frame;
    }

    private static void WriteReplacePayload(Stream stream, IReadOnlyList<DocumentRecords> documents)
    {
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(OpReplace);
            writer.Write(documents.Count);
            foreach (var document in documents)
            {
                writer.Write(document.DocumentId);
                writer.Write(document.Records.Count);
                foreach (var record in document.Records)
                {
                    writer.Write(record.Id);
                    writer.Write(record.Index);
                    writer.Write(record.Text);
                    writer.Write(record.ContentHash);
                    writer.Write(record.Context is not null);
                    if (record.Context is not null)
                    {
                        writer.Write(record.Context);
                    }

                    writer.Write(record.TokenCount);
                    writer.Write(record.Metadata.Count);
                    foreach (var (key, value) in record.Metadata)
                    {
                        writer.Write(key);
                        writer.Write(value);
                    }

                    writer.Write(record.Vector.Length);
                    writer.Write(MemoryMarshal.AsBytes(record.Vector.Span));
                }
            }
        }
    }

    /// <summary>
    /// Reads every record whose checksum holds, in order, and tells a torn tail (the last bad frame has only garbage
    /// after it: a crash mid-append) from damage in the middle (valid frames follow the bad bytes). The file is not
    /// changed. A missing or partial header of a new store is an empty store; any other header is refused.
    /// </summary>
    /// <exception cref="InvalidVectorStoreFileException">The file is not a store of this format.</exception>
    public static StoreLogScan Replay(FileStream stream, Action<BinaryReader> apply)
    {
        var handle = stream.SafeFileHandle;
        var length = stream.Length;
        var scan = new StoreLogScan { FileLength = length };
        var header = new byte[HeaderLength];
        var read = RandomAccess.Read(handle, header, 0);
        if (read < HeaderLength)
        {
            if (!Magic.StartsWith(header.AsSpan(0, read)))
            {
                throw new InvalidVectorStoreFileException(stream.Name, $"it is not a LocalAI.Rag store (a {length}-byte file without the store header); point the store at another path");
            }

            scan.End = 0; // empty, or a new store whose header write was torn
            return scan;
        }

        if (!header.AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidVectorStoreFileException(stream.Name, "it is not a LocalAI.Rag store (bad header); point the store at another path");
        }

        var position = (long)HeaderLength;
        scan.End = position;
        while (position < length)
        {
            var payload = TryReadFrame(handle, position, length, resyncing: false);
            if (payload is not null)
            {
                using (var reader = new BinaryReader(new MemoryStream(payload, writable: false), Encoding.UTF8))
                {
                    apply(reader);
                }

                position += 8 + payload.Length;
                scan.End = position;
                if (scan.Damage.Count > 0)
                {
                    scan.RecordsAfterDamage++;
                }

                continue;
            }

            var next = FindNextFrame(handle, position + 1, length);
            if (next < 0)
            {
                scan.TornTailBytes = length - position;
                break;
            }

            scan.Damage.Add(new StoreDamage(position, next - position, ReadableDocumentIds(handle, position, next)));
            position = next;
        }

        return scan;
    }

    /// <summary>The payload of the frame at <paramref name="offset"/> when its length fits and its checksum holds, else <see langword="null"/>.</summary>
    private static byte[]? TryReadFrame(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long offset, long fileLength, bool resyncing)
    {
        Span<byte> prefix = stackalloc byte[9];
        var got = RandomAccess.Read(handle, prefix, offset);
        if (got < 8)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        if (length <= 0 || length > fileLength - offset - 8 || (resyncing && (got < 9 || prefix[8] is < OpModel or > OpDelete)))
        {
            return null;
        }

        var payload = new byte[length];
        if (RandomAccess.Read(handle, payload, offset + 8) < length
            || Crc32.HashToUInt32(payload) != BinaryPrimitives.ReadUInt32LittleEndian(prefix[4..]))
        {
            return null;
        }

        return payload;
    }

    /// <summary>The offset of the next frame at or after <paramref name="from"/> whose checksum holds, or -1.</summary>
    private static long FindNextFrame(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long from, long fileLength)
    {
        var window = new byte[1 << 16];
        for (var start = from; start <= fileLength - 9; start += window.Length - 8)
        {
            var got = RandomAccess.Read(handle, window, start);
            for (var i = 0; i + 9 <= got; i++)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(window.AsSpan(i));
                if (length > 0 && length <= fileLength - (start + i) - 8 && window[i + 8] is >= OpModel and <= OpDelete
                    && TryReadFrame(handle, start + i, fileLength, resyncing: true) is not null)
                {
                    return start + i;
                }
            }

            if (got < window.Length)
            {
                break;
            }
        }

        return -1;
    }

    /// <summary>The document ids still readable in damaged bytes (best effort: a damaged length or id ends the reading).</summary>
    private static List<string> ReadableDocumentIds(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long start, long end)
    {
        var ids = new List<string>();
        if (end - start <= 8 || end - start > int.MaxValue)
        {
            return ids;
        }

        var bytes = new byte[end - start - 8];
        RandomAccess.Read(handle, bytes, start + 8);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), new UTF8Encoding(false, throwOnInvalidBytes: true));
            switch (reader.ReadByte())
            {
                case OpDelete:
                    ids.Add(reader.ReadString());
                    break;
                case OpReplace:
                    var count = ReadCount(reader);
                    for (var i = 0; i < count; i++)
                    {
                        ids.Add(reader.ReadString());
                        var records = ReadCount(reader);
                        for (var r = 0; r < records; r++)
                        {
                            SkipRecord(reader);
                        }
                    }

                    break;
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or DecoderFallbackException or FormatException)
        {
            // The damage reached the framing of the payload; the ids read so far are what is known.
        }

        return ids;
    }

    private static int ReadCount(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        return count >= 0 && count <= reader.BaseStream.Length - reader.BaseStream.Position
            ? count
            : throw new InvalidDataException("damaged count");
    }

    private static void SkipRecord(BinaryReader reader)
    {
        reader.ReadString(); // id
        reader.ReadInt32(); // index
        reader.ReadString(); // text
        reader.ReadString(); // content hash
        if (reader.ReadBoolean())
        {
            reader.ReadString(); // context
        }

        reader.ReadInt32(); // tokens
        var metadata = ReadCount(reader);
        for (var m = 0; m < metadata * 2; m++)
        {
            reader.ReadString();
        }

        var dimensions = ReadCount(reader);
        reader.BaseStream.Seek(dimensions * 4L, SeekOrigin.Current);
        if (reader.BaseStream.Position > reader.BaseStream.Length)
        {
            throw new EndOfStreamException();
        }
    }

    public static DocumentRecords ReadDocument(BinaryReader reader)
    {
        var documentId = reader.ReadString();
        var count = reader.ReadInt32();
        var records = new VectorRecord[count];
        for (var i = 0; i < count; i++)
        {
            var id = reader.ReadString();
            var index = reader.ReadInt32();
            var text = reader.ReadString();
            var hash = reader.ReadString();
            var context = reader.ReadBoolean() ? reader.ReadString() : null;
            var tokens = reader.ReadInt32();
            var metaCount = reader.ReadInt32();
            IReadOnlyDictionary<string, string> metadata = VectorRecord.EmptyMetadata;
            if (metaCount > 0)
            {
                var dict = new Dictionary<string, string>(metaCount, StringComparer.Ordinal);
                for (var m = 0; m < metaCount; m++)
                {
                    dict[reader.ReadString()] = reader.ReadString();
                }

                metadata = dict;
            }

            var dims = reader.ReadInt32();
            var vector = new float[dims];
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(vector.AsSpan()));
            records[i] = new VectorRecord(id, documentId, index, text, hash, vector)
            {
                Context = context,
                TokenCount = tokens,
                Metadata = metadata,
            };
        }

        return new DocumentRecords(documentId, records);
    }
}
