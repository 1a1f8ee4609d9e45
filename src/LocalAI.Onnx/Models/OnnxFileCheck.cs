namespace LocalAI.Onnx;

/// <summary>Checks in managed code that a file can be an ONNX model before native code reads it.</summary>
internal static class OnnxFileCheck
{
    /// <summary>Throws when the file is empty or does not start the way every serialized ONNX <c>ModelProto</c> starts.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="InvalidModelFileException">The file is empty or is not an ONNX model.</exception>
    public static void ThrowIfNotOnnx(string path)
    {
        Span<byte> head = stackalloc byte[2];
        int read;
        try
        {
            using var stream = File.OpenRead(path);
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (IOException ex)
        {
            throw new InvalidModelFileException(path, $"it cannot be read ({ex.Message}).", ex);
        }

        if (read == 0)
        {
            throw new InvalidModelFileException(path, "the file is empty. Export or copy the model again.", null);
        }

        // A ModelProto is a protobuf message whose first field is ir_version (field 1, varint): tag byte 0x08, then a
        // small version number. Text, HTML error pages, GGUF and safetensors files all fail this.
        if (head[0] != 0x08 || read < 2 || head[1] is 0 or > 0x7F)
        {
            throw new InvalidModelFileException(path, $"it does not start like an ONNX model (first bytes 0x{head[0]:X2}{(read > 1 ? head[1].ToString("X2", System.Globalization.CultureInfo.InvariantCulture) : string.Empty)}). Export the model to ONNX again, or check that the download was not an error page.", null);
        }
    }
}
