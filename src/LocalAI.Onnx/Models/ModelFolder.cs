using System.Text.Json;

namespace LocalAI.Onnx;

/// <summary>Finds the files of a sentence-transformers model folder exported to ONNX, and reads what can be read cheaply.</summary>
internal static class ModelFolder
{
    /// <summary>The tokenizer and sentence-transformers configuration files a download fetches beside the ONNX file, when the repository has them.</summary>
    public static readonly IReadOnlyList<string> ConfigurationFiles =
    [
        "tokenizer.json", "vocab.txt", "tokenizer_config.json", "config.json", "modules.json",
        "sentence_bert_config.json", "1_Pooling/config.json",
    ];

    /// <summary>Gets the ONNX file of a model folder: <c>model.onnx</c> at its root, else <c>onnx/model.onnx</c> (the Hugging Face layout).</summary>
    /// <param name="directory">The folder.</param>
    /// <returns>The path, or <see langword="null"/> when the folder has neither.</returns>
    public static string? FindOnnxFile(string directory)
    {
        foreach (var candidate in (ReadOnlySpan<string>)["model.onnx", Path.Combine("onnx", "model.onnx")])
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    /// <summary>Gets the model name of a folder: its last path segment.</summary>
    /// <param name="directory">The folder.</param>
    /// <returns>The name.</returns>
    public static string GetModelId(string directory) =>
        Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));

    /// <summary>Reads a JSON file when it exists.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The document, or <see langword="null"/> when the file does not exist.</returns>
    /// <exception cref="InvalidModelFileException">The file is not valid JSON.</exception>
    public static JsonDocument? ReadJson(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new InvalidModelFileException(path, $"it is not valid JSON ({ex.Message}). Copy the file again from the model's original folder.", ex);
        }
    }

    /// <summary>Gets a string property of a JSON object, or <see langword="null"/>.</summary>
    public static string? GetString(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>Gets an integer property of a JSON object, or <see langword="null"/>.</summary>
    public static long? GetInt64(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : null;

    /// <summary>Gets a Boolean property of a JSON object, or <see langword="null"/> when absent or <c>null</c>.</summary>
    public static bool? GetBoolean(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    /// <summary>Gets an object property of a JSON object, or <see langword="null"/>.</summary>
    public static JsonElement? GetObject(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : null;
}
