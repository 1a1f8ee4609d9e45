using System.Globalization;

namespace LocalAI.Gguf;

/// <summary>The header, metadata and tensor table of a GGUF file, read and validated in managed code.</summary>
/// <remarks>
/// <see cref="Read"/> checks the magic, the version (2 or 3), every count and string length against the file size, the
/// tensor types, dimensions, offsets and alignment, and the tokenizer and hyper-parameter entries llama.cpp relies on, so
/// a corrupt, truncated or hostile file fails here with <see cref="InvalidModelFileException"/> rather than in native code.
/// </remarks>
public sealed class GgufFile
{
    internal GgufFile(string path, int version, long alignment, long dataOffset, long fileSize, IReadOnlyDictionary<string, GgufMetadataValue> metadata, IReadOnlyList<GgufTensorInfo> tensors)
    {
        Path = path;
        Version = version;
        Alignment = alignment;
        DataOffset = dataOffset;
        FileSize = fileSize;
        Metadata = metadata;
        Tensors = tensors;
    }

    /// <summary>Gets the path the file was read from.</summary>
    public string Path { get; }

    /// <summary>Gets the GGUF format version (2 or 3).</summary>
    public int Version { get; }

    /// <summary>Gets the alignment of tensor data in bytes.</summary>
    public long Alignment { get; }

    /// <summary>Gets the offset of the data section from the start of the file.</summary>
    public long DataOffset { get; }

    /// <summary>Gets the file size in bytes.</summary>
    public long FileSize { get; }

    /// <summary>Gets every metadata entry by key.</summary>
    public IReadOnlyDictionary<string, GgufMetadataValue> Metadata { get; }

    /// <summary>Gets the tensor table in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>Gets the model architecture (<c>general.architecture</c>, for example <c>llama</c> or <c>bert</c>).</summary>
    public string Architecture => GetString("general.architecture") ?? string.Empty;

    /// <summary>Gets the model name (<c>general.name</c>), or the file name without extension when absent.</summary>
    public string Name => GetString("general.name") ?? System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>Gets the number of parameters, counted over the tensor table.</summary>
    public long ParameterCount => Tensors.Sum(t => t.ElementCount);

    /// <summary>Gets the quantisation, from <c>general.file_type</c> or else the most common tensor type (for example <c>Q8_0</c>).</summary>
    public string Quantization =>
        GetInt64("general.file_type") is { } ft && GgmlTypes.FileTypeName(ft) is { } name
            ? name
            : Tensors.Count == 0 ? "none" : GgmlTypes.Name(Tensors.GroupBy(t => t.Type).OrderByDescending(g => g.Sum(t => t.SizeBytes)).First().Key);

    /// <summary>Gets the context length the model was trained with (<c>&lt;arch&gt;.context_length</c>), when present.</summary>
    public int? ContextLength => GetArchInt32("context_length");

    /// <summary>Gets the embedding length (<c>&lt;arch&gt;.embedding_length</c>), when present.</summary>
    public int? EmbeddingLength => GetArchInt32("embedding_length");

    /// <summary>Gets the number of blocks (layers), when present.</summary>
    public int? BlockCount => GetArchInt32("block_count");

    /// <summary>Gets the chat template (<c>tokenizer.chat_template</c>), when present.</summary>
    public string? ChatTemplate => GetString("tokenizer.chat_template");

    /// <summary>Gets the tokenizer kind (<c>tokenizer.ggml.model</c>, for example <c>llama</c>, <c>gpt2</c> or <c>bert</c>).</summary>
    public string? TokenizerModel => GetString("tokenizer.ggml.model");

    /// <summary>Gets the vocabulary size (the length of <c>tokenizer.ggml.tokens</c>), when present.</summary>
    public int? VocabularySize => Metadata.TryGetValue("tokenizer.ggml.tokens", out var v) ? v.ArrayLength() : null;

    /// <summary>Gets the pooling type of an embedding model (<c>&lt;arch&gt;.pooling_type</c>: 0 none, 1 mean, 2 CLS, 3 last), when present.</summary>
    public int? PoolingType => GetArchInt32("pooling_type");

    /// <summary>Gets a human-readable parameter size such as <c>3.2B</c> or <c>4.2M</c>.</summary>
    public string ParameterSize
    {
        get
        {
            var n = (double)ParameterCount;
            return n >= 1e9 ? (n / 1e9).ToString("0.#", CultureInfo.InvariantCulture) + "B"
                : n >= 1e6 ? (n / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M"
                : (n / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "K";
        }
    }

    /// <summary>Reads and validates a GGUF file's header, metadata and tensor table.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The validated file description.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="InvalidModelFileException">The file is missing, not GGUF, of an unsupported version, truncated or inconsistent; the message says which.</exception>
    public static GgufFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return GgufReader.Read(System.IO.Path.GetFullPath(path));
    }

    /// <summary>Gets a string metadata value.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The string, or <see langword="null"/> when absent or not a string.</returns>
    public string? GetString(string key) => Metadata.TryGetValue(key, out var v) ? v.Value as string : null;

    /// <summary>Gets an integer metadata value of any width.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The integer, or <see langword="null"/> when absent or not an integer.</returns>
    public long? GetInt64(string key) => Metadata.TryGetValue(key, out var v) ? v.AsInt64() : null;

    private int? GetArchInt32(string suffix) =>
        GetInt64(Architecture + "." + suffix) is { } v && v is >= 0 and <= int.MaxValue ? (int)v : null;
}
