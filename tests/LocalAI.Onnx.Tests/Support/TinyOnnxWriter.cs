namespace LocalAI.Onnx.Tests.Support;

/// <summary>
/// Writes a valid ONNX model that is not a sentence encoder (one Identity node from a float input <c>x</c> to <c>y</c>),
/// by hand-encoding the ModelProto protobuf, so tests can check that such a model is refused with a clear message.
/// </summary>
internal static class TinyOnnxWriter
{
    public static byte[] IdentityModel(string inputName = "x", int elementType = 1, int rank = 1)
    {
        var dims = Concat(Enumerable.Range(0, rank).Select(_ => Field(1, Varint(1, 4))).ToArray());
        var tensorType = Concat(Varint(1, elementType), Field(2, dims));
        var valueInfo = (string name) => Concat(Text(1, name), Field(2, Field(1, tensorType)));
        var node = Concat(Text(1, inputName), Text(2, "y"), Text(4, "Identity"));
        var graph = Concat(Field(1, node), Text(2, "g"), Field(11, valueInfo(inputName)), Field(12, valueInfo("y")));
        var opset = Concat(Text(1, string.Empty), Varint(2, 17));
        return Concat(Varint(1, 8), Field(7, graph), Field(8, opset));
    }

    private static byte[] Varint(int field, long value) => Concat(Key(field, 0), RawVarint((ulong)value));

    private static byte[] Text(int field, string value) => Field(field, System.Text.Encoding.UTF8.GetBytes(value));

    private static byte[] Field(int field, byte[] payload) => Concat(Key(field, 2), RawVarint((ulong)payload.Length), payload);

    private static byte[] Key(int field, int wireType) => RawVarint((ulong)((field << 3) | wireType));

    private static byte[] RawVarint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
