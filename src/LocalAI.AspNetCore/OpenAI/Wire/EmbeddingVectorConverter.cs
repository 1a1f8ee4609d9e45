using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LocalAI.AspNetCore;

/// <summary>Writes an <see cref="EmbeddingVector"/> as a JSON array of floats or as a base64 string (OpenAI's <c>encoding_format</c>).</summary>
internal sealed class EmbeddingVectorConverter : JsonConverter<EmbeddingVector>
{
    public override EmbeddingVector Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Embedding vectors are only written by the server.");

    public override void Write(Utf8JsonWriter writer, EmbeddingVector value, JsonSerializerOptions options)
    {
        var span = value.Values.Span;
        if (value.Base64)
        {
            if (BitConverter.IsLittleEndian)
            {
                writer.WriteBase64StringValue(MemoryMarshal.AsBytes(span));
                return;
            }

            var bytes = new byte[span.Length * sizeof(float)];
            for (var i = 0; i < span.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), span[i]);
            }

            writer.WriteBase64StringValue(bytes);
            return;
        }

        // The whole array as one raw value: formatting the numbers is most of an answer's cost, and per-number writer calls add to it.
        var buffer = ArrayPool<byte>.Shared.Rent(JsonFloatText.MaxArrayLength(span.Length));
        try
        {
            var length = JsonFloatText.WriteArray(span, buffer);
            writer.WriteRawValue(buffer.AsSpan(0, length), skipInputValidation: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
