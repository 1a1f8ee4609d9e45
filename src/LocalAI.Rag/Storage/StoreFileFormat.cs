using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace LocalAI.Rag;

/// <summary>
/// The file format of the embedded store: an append-only sequence of records after an 8-byte header, each record
/// <c>[length:int32][crc32:uint32][payload]</c> whose payload starts with its operation (model, replace, delete); a torn
/// or corrupt tail is dropped on open.
/// </summary>
internal static class StoreFileFormat
{
    public const int HeaderLength = 8;
    public const byte OpModel = 1;
    public const byte OpReplace = 2;
    public const byte OpDelete = 3;

    public static ReadOnlySpan<byte> Magic => "LRAGLOG1"u8;

    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[8 + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32.HashToUInt32(payload));
        payload.CopyTo(frame.AsSpan(8));
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
        }

        return stream.ToArray();
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

    public static byte[] ReplacePayload(IReadOnlyList<DocumentRecords> documents)
    {
        using var stream = new MemoryStream();
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

        return stream.ToArray();
    }

    /// <summary>Reads every complete record; returns the offset just past the last good one.</summary>
    public static long Replay(Stream stream, Action<BinaryReader> apply)
    {
        var header = new byte[HeaderLength];
        if (stream.Length < HeaderLength || stream.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false) < HeaderLength)
        {
            return 0;
        }

        if (!header.AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidDataException("The file is not a LocalAI.Rag store (bad magic); point the store at another path or delete the file.");
        }

        var good = (long)HeaderLength;
        var prefix = new byte[8];
        while (true)
        {
            if (stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
            {
                return good;
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(prefix.AsSpan(4));
            if (length <= 0 || length > stream.Length - good - 8)
            {
                return good;
            }

            var payload = new byte[length];
            if (stream.ReadAtLeast(payload, length, throwOnEndOfStream: false) < length || Crc32.HashToUInt32(payload) != crc)
            {
                return good;
            }

            using (var reader = new BinaryReader(new MemoryStream(payload, writable: false), Encoding.UTF8))
            {
                apply(reader);
            }

            good += 8 + length;
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
