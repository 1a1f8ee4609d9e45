namespace LocalAI.Gguf;

/// <summary>Checks the metadata llama.cpp relies on when it builds a model: tokenizer tables, hyper-parameters and the embedding table's shape.</summary>
internal static class GgufModelValidator
{
    private const long MaxEmbedding = 1 << 20;
    private const long MaxBlocks = GgufHyperParameterValidator.MaxLayers;
    private const long MaxContext = 1 << 24;
    private const int ByteToken = 6;

    public static void Validate(GgufFile file)
    {
        var arch = file.Architecture;
        if (!file.Metadata.TryGetValue("general.architecture", out var archValue) || archValue.Type != GgufValueType.String || arch.Length == 0)
        {
            throw Invalid(file, "general.architecture is missing or not a string");
        }

        if (arch.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw Invalid(file, $"general.architecture '{arch}' has characters no architecture name has");
        }

        int? vocabulary = null;
        if (file.Metadata.TryGetValue("tokenizer.ggml.tokens", out var tokens))
        {
            if (tokens.ElementType != GgufValueType.String || tokens.Value is not string[] list || list.Length == 0)
            {
                throw Invalid(file, "tokenizer.ggml.tokens must be a non-empty array of strings");
            }

            vocabulary = list.Length;
            if (list.Any(t => t.Length == 0))
            {
                throw Invalid(file, "tokenizer.ggml.tokens holds an empty token");
            }

            var unique = new HashSet<string>(StringComparer.Ordinal);
            foreach (var token in list)
            {
                if (!unique.Add(token))
                {
                    throw Invalid(file, $"tokenizer.ggml.tokens holds the token '{token}' twice");
                }
            }

            ExpectArray(file, "tokenizer.ggml.scores", GgufValueType.Float32, vocabulary.Value);
            ExpectArray(file, "tokenizer.ggml.token_type", GgufValueType.Int32, vocabulary.Value);
            file.Metadata.TryGetValue("tokenizer.ggml.token_type", out var types);
            if (types is not null && ((int[])types.Value).Any(t => t is < 0 or > 6))
            {
                throw Invalid(file, "tokenizer.ggml.token_type holds a type outside 0..6");
            }

            if (types is not null && types.Value is int[] typeList)
            {
                for (var i = 0; i < typeList.Length; i++)
                {
                    if (typeList[i] == ByteToken && !IsByteToken(list[i]))
                    {
                        throw Invalid(file, $"token {i} '{list[i]}' is marked as a byte token but is not written <0xXX>");
                    }
                }
            }

            if (file.Metadata.TryGetValue("tokenizer.ggml.merges", out var merges) && merges.ElementType != GgufValueType.String)
            {
                throw Invalid(file, "tokenizer.ggml.merges must be an array of strings");
            }
        }

        foreach (var (key, value) in file.Metadata)
        {
            if (key.StartsWith("tokenizer.ggml.", StringComparison.Ordinal) && key.EndsWith("_token_id", StringComparison.Ordinal))
            {
                if (value.AsInt64() is not { } id || id < 0 || id > int.MaxValue)
                {
                    throw Invalid(file, $"{key} must be a non-negative integer");
                }
            }
        }

        if (file.Metadata.TryGetValue("tokenizer.ggml.model", out var model) && model.Type != GgufValueType.String)
        {
            throw Invalid(file, "tokenizer.ggml.model must be a string");
        }

        GgufHyperParameterValidator.Validate(file);
        var embedding = Positive(file, arch + ".embedding_length", MaxEmbedding);
        Positive(file, arch + ".block_count", MaxBlocks);
        Positive(file, arch + ".context_length", MaxContext);
        Positive(file, arch + ".feed_forward_length", MaxEmbedding * 8);
        var heads = Positive(file, arch + ".attention.head_count", MaxEmbedding);
        var kvHeads = Positive(file, arch + ".attention.head_count_kv", MaxEmbedding);
        if (heads is { } h && embedding is { } e && e % h != 0)
        {
            throw Invalid(file, $"{arch}.embedding_length {e} is not a multiple of {arch}.attention.head_count {h}");
        }

        if (heads is { } h2 && kvHeads is { } kv && h2 % kv != 0)
        {
            throw Invalid(file, $"{arch}.attention.head_count {h2} is not a multiple of {arch}.attention.head_count_kv {kv}");
        }

        var tokenEmbedding = file.Tensors.FirstOrDefault(t => t.Name == "token_embd.weight");
        if (tokenEmbedding is not null)
        {
            if (embedding is { } n && tokenEmbedding.Dimensions[0] != n)
            {
                throw Invalid(file, $"token_embd.weight rows have {tokenEmbedding.Dimensions[0]} elements but {arch}.embedding_length is {n}");
            }

            if (vocabulary is { } v && (tokenEmbedding.Dimensions.Count < 2 || tokenEmbedding.Dimensions[1] != v))
            {
                throw Invalid(file, $"token_embd.weight does not have one row per token of the {v}-token vocabulary");
            }
        }
    }

    private static bool IsByteToken(string token) =>
        token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>' && char.IsAsciiHexDigit(token[3]) && char.IsAsciiHexDigit(token[4]);

    private static long? Positive(GgufFile file, string key, long max)
    {
        if (!file.Metadata.TryGetValue(key, out var value))
        {
            return null;
        }

        if (value.Type == GgufValueType.Array)
        {
            // Per-layer values (some architectures store head counts per block): each must be in range.
            var items = value.Value switch
            {
                int[] ints => ints.Select(i => (long)i).ToArray(),
                object[] objects => objects.Select(o => o is long l ? l : -1).ToArray(),
                _ => [-1L],
            };
            if (items.Any(l => l < 0 || l > max))
            {
                throw Invalid(file, $"{key} holds a per-layer value out of range");
            }

            return null;
        }

        if (value.AsInt64() is not { } v || v <= 0 || v > max)
        {
            throw Invalid(file, $"{key} must be an integer between 1 and {max}");
        }

        return v;
    }

    private static void ExpectArray(GgufFile file, string key, GgufValueType elementType, int length)
    {
        if (!file.Metadata.TryGetValue(key, out var value))
        {
            return;
        }

        if (value.ElementType != elementType || value.ArrayLength() != length)
        {
            throw Invalid(file, $"{key} must be an array of {length} {elementType} values, one per token");
        }
    }

    private static InvalidModelFileException Invalid(GgufFile file, string reason) => new(file.Path, reason, null);
}
