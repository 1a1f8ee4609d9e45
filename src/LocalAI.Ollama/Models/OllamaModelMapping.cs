using System.Text.Json;
using OllamaSharp.Models;

namespace LocalAI.Ollama;

/// <summary>Maps Ollama's model descriptions (<c>/api/tags</c>, <c>/api/show</c>) to <see cref="LocalModelInfo"/>.</summary>
internal static class OllamaModelMapping
{
    /// <summary>Tells whether two model names stand for the same model, as Ollama reads them: a name without a tag means its <c>latest</c> tag, and case does not matter.</summary>
    public static bool SameModel(string a, string b) =>
        string.Equals(WithTag(a), WithTag(b), StringComparison.OrdinalIgnoreCase);

    /// <summary>Describes an installed model from its list entry.</summary>
    public static LocalModelInfo FromInstalled(string backendId, string name, long? size, Details? details, bool loaded)
    {
        var isEmbedding = details?.Family is { } family && (family.Contains("bert", StringComparison.OrdinalIgnoreCase) || family.Contains("embed", StringComparison.OrdinalIgnoreCase));
        return new LocalModelInfo(name, backendId)
        {
            SizeBytes = size is > 0 ? size : null,
            Family = details?.Family,
            ParameterSize = details?.ParameterSize,
            Quantization = details?.QuantizationLevel,
            IsInstalled = true,
            IsLoaded = loaded,
            Capabilities = isEmbedding ? BackendCapabilities.Embeddings : BackendCapabilities.Chat | BackendCapabilities.Streaming,
        };
    }

    /// <summary>Describes a model from its <c>/api/show</c> answer: capabilities, context length, embedding length.</summary>
    public static LocalModelInfo FromShow(string backendId, string model, ShowModelResponse show, bool loaded)
    {
        var architecture = show.Info?.Architecture ?? show.Details?.Family;
        var capabilities = BackendCapabilities.None;
        foreach (var capability in show.Capabilities ?? [])
        {
            capabilities |= capability switch
            {
                "completion" => BackendCapabilities.Chat | BackendCapabilities.Streaming,
                "embedding" => BackendCapabilities.Embeddings,
                "vision" => BackendCapabilities.Vision,
                _ => BackendCapabilities.None,
            };
        }

        return FromInstalled(backendId, model, null, show.Details, loaded) with
        {
            ContextLength = ReadInt(show.Info?.ExtraInfo, architecture + ".context_length"),
            EmbeddingDimensions = ReadInt(show.Info?.ExtraInfo, architecture + ".embedding_length"),
            Capabilities = capabilities,
        };
    }

    private static string WithTag(string name) => name[(name.LastIndexOf('/') + 1)..].Contains(':', StringComparison.Ordinal) ? name : name + ":latest";

    private static int? ReadInt(IDictionary<string, object>? values, string key)
    {
        if (values is null || !values.TryGetValue(key, out var value))
        {
            return null;
        }

        return value switch
        {
            JsonElement { ValueKind: JsonValueKind.Number } element when element.TryGetInt32(out var i) => i,
            int i => i,
            long l => (int)l,
            _ => null,
        };
    }
}
