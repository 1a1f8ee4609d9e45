using System.Text.Json;
using LocalAI.Text;

namespace LocalAI.Onnx;

/// <summary>Reads a sentence-transformers folder's configuration files into a <see cref="SentenceEncoderConfig"/>.</summary>
internal static class SentenceEncoderConfigReader
{
    private const int FallbackMaxSequenceLength = 512;

    /// <summary>Reads the folder.</summary>
    /// <param name="directory">The model folder.</param>
    /// <param name="modelId">The model name, or <see langword="null"/> for the folder's name.</param>
    /// <param name="options">Overrides for pooling, normalisation and maximum length.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="InvalidModelFileException">A required file is missing or a file cannot be used; the message says which and what to do.</exception>
    public static SentenceEncoderConfig Read(string directory, string? modelId, OnnxBackendOptions options)
    {
        if (!Directory.Exists(directory))
        {
            throw new InvalidModelFileException(directory, "the model folder does not exist. Export a sentence-transformers model to ONNX into it (see the LocalAI.Onnx README) or fix the path.", null);
        }

        var onnxPath = ModelFolder.FindOnnxFile(directory)
            ?? throw new InvalidModelFileException(directory, "the folder has neither model.onnx nor onnx/model.onnx. Export the model to ONNX (for example with optimum-cli export onnx) into this folder.", null);

        using var config = ModelFolder.ReadJson(Path.Combine(directory, "config.json"));
        using var tokenizerConfig = ModelFolder.ReadJson(Path.Combine(directory, "tokenizer_config.json"));
        using var sentenceBertConfig = ModelFolder.ReadJson(Path.Combine(directory, "sentence_bert_config.json"));
        using var modules = ModelFolder.ReadJson(Path.Combine(directory, "modules.json"));

        var (vocabulary, tokenizer) = ReadTokenizer(directory, tokenizerConfig?.RootElement);

        var (pooling, normalize, dimensions) = ReadPooling(directory, modules?.RootElement, options.Pooling);
        dimensions ??= (int?)config?.RootElement.GetInt64("hidden_size");

        var (maxLength, maxLengthSource) = ReadMaxLength(directory, config?.RootElement, tokenizerConfig?.RootElement, sentenceBertConfig?.RootElement, options);

        return new SentenceEncoderConfig(
            modelId ?? ModelFolder.GetModelId(directory),
            directory,
            onnxPath,
            vocabulary,
            tokenizer,
            maxLength,
            maxLengthSource,
            options.MaxSequenceLength is null && sentenceBertConfig is null,
            options.Pooling ?? pooling,
            options.Normalize ?? normalize,
            dimensions,
            config?.RootElement.GetString("model_type"));
    }

    /// <summary>Reads the declared sentence vector size, family and maximum length without reading the vocabulary: cheap enough for listing models.</summary>
    /// <param name="directory">The model folder.</param>
    /// <param name="options">The options (their <see cref="OnnxBackendOptions.MaxSequenceLength"/> applies to every folder).</param>
    /// <returns>What the folder declares; <see langword="null"/> members when no configuration file declares them or a file cannot be read.</returns>
    public static (int? Dimensions, string? Family, int? MaxSequenceLength, string? MaxSequenceLengthSource) ReadSummary(string directory, OnnxBackendOptions options)
    {
        try
        {
            using var modules = ModelFolder.ReadJson(Path.Combine(directory, "modules.json"));
            using var config = ModelFolder.ReadJson(Path.Combine(directory, "config.json"));
            using var tokenizerConfig = ModelFolder.ReadJson(Path.Combine(directory, "tokenizer_config.json"));
            using var sentenceBertConfig = ModelFolder.ReadJson(Path.Combine(directory, "sentence_bert_config.json"));
            var (_, _, dimensions) = ReadPooling(directory, modules?.RootElement, OnnxPoolingMode.Mean);
            var (maxLength, source) = ReadMaxLength(directory, config?.RootElement, tokenizerConfig?.RootElement, sentenceBertConfig?.RootElement, options);
            return (
                dimensions ?? (int?)config?.RootElement.GetInt64("hidden_size"),
                config?.RootElement.GetString("model_type"),
                maxLength,
                source);
        }
        catch (Exception ex) when (ex is InvalidModelFileException or ArgumentOutOfRangeException)
        {
            return (null, null, null, null);
        }
    }

    /// <summary>
    /// Chooses the maximum number of tokens per text as sentence-transformers does: the option, else <c>max_seq_length</c> of
    /// <c>sentence_bert_config.json</c>, else the tokenizer's <c>model_max_length</c> (what sentence-transformers 5 falls back
    /// to when <c>sentence_bert_config.json</c> omits it), else the positions of <c>config.json</c> up to 512, else 512; and
    /// says where it came from.
    /// </summary>
    private static (int MaxLength, string Source) ReadMaxLength(string directory, JsonElement? config, JsonElement? tokenizerConfig, JsonElement? sentenceBertConfig, OnnxBackendOptions options)
    {
        var positions = config?.GetInt64("max_position_embeddings");
        if (options.MaxSequenceLength is { } wanted)
        {
            if (wanted < 2)
            {
                throw new ArgumentOutOfRangeException(nameof(options), wanted, "OnnxBackendOptions.MaxSequenceLength must be at least 2 (the classification and separator tokens).");
            }

            if (positions is > 0 && wanted > positions)
            {
                throw new InvalidModelFileException(directory, $"OnnxBackendOptions.MaxSequenceLength is {wanted} but the model has only {positions} positions (config.json max_position_embeddings). Lower the setting.", null);
            }

            return (wanted, MaxLengthSources.Option);
        }

        if (sentenceBertConfig?.GetInt64("max_seq_length") is > 0 and < int.MaxValue and var declared)
        {
            return ((int)declared, MaxLengthSources.SentenceBertConfig);
        }

        if (tokenizerConfig?.GetInt64("model_max_length") is > 0 and < 1_000_000 and var tokenizerMax)
        {
            return ((int)tokenizerMax, MaxLengthSources.TokenizerConfig);
        }

        return positions is > 0 and < int.MaxValue
            ? ((int)Math.Min(positions.Value, FallbackMaxSequenceLength), MaxLengthSources.Positions)
            : (FallbackMaxSequenceLength, MaxLengthSources.Fallback);
    }

    private static (OnnxPoolingMode Pooling, bool Normalize, int? Dimensions) ReadPooling(string directory, JsonElement? modules, OnnxPoolingMode? overridden)
    {
        var pooling = overridden ?? OnnxPoolingMode.Mean;
        var normalize = true;
        int? dimensions = null;
        if (modules is not { ValueKind: JsonValueKind.Array } list)
        {
            return (pooling, normalize, dimensions);
        }

        normalize = false;
        foreach (var module in list.EnumerateArray())
        {
            var type = module.GetString("type") ?? string.Empty;
            if (type.EndsWith(".Normalize", StringComparison.Ordinal))
            {
                normalize = true;
            }
            else if (type.EndsWith(".Pooling", StringComparison.Ordinal))
            {
                var path = Path.Combine(directory, module.GetString("path") ?? "1_Pooling", "config.json");
                using var poolingConfig = ModelFolder.ReadJson(path);
                if (poolingConfig is not null)
                {
                    var root = poolingConfig.RootElement;
                    pooling = overridden ?? ReadPoolingMode(path, root);
                    dimensions = (int?)(root.GetInt64("embedding_dimension") ?? root.GetInt64("word_embedding_dimension"));
                }
            }
        }

        return (pooling, normalize, dimensions);
    }

    private static OnnxPoolingMode ReadPoolingMode(string path, JsonElement root)
    {
        // sentence-transformers 5+ writes "pooling_mode": "mean"; earlier versions one Boolean per mode.
        var mode = root.GetString("pooling_mode");
        if (mode is null)
        {
            mode = root.GetBoolean("pooling_mode_cls_token") == true ? "cls"
                : root.GetBoolean("pooling_mode_max_tokens") == true ? "max"
                : root.GetBoolean("pooling_mode_mean_sqrt_len_tokens") == true ? "mean_sqrt_len_tokens"
                : root.GetBoolean("pooling_mode_weightedmean_tokens") == true ? "weightedmean"
                : root.GetBoolean("pooling_mode_lasttoken") == true ? "lasttoken"
                : "mean";
        }

        return mode switch
        {
            "mean" or "mean_tokens" => OnnxPoolingMode.Mean,
            "cls" or "cls_token" => OnnxPoolingMode.Cls,
            "max" or "max_tokens" => OnnxPoolingMode.Max,
            "mean_sqrt_len_tokens" => OnnxPoolingMode.MeanSqrtLength,
            _ => throw new InvalidModelFileException(path, $"pooling mode '{mode}' is not supported (mean, cls, max and mean_sqrt_len_tokens are). Set OnnxBackendOptions.Pooling to override it.", null),
        };
    }

    private static (IReadOnlyList<string> Vocabulary, WordPieceSettings Settings) ReadTokenizer(string directory, JsonElement? tokenizerConfig)
    {
        var tokenizerJson = Path.Combine(directory, "tokenizer.json");
        if (File.Exists(tokenizerJson))
        {
            using var document = ModelFolder.ReadJson(tokenizerJson)!;
            return ReadTokenizerJson(tokenizerJson, document.RootElement, tokenizerConfig);
        }

        var vocabPath = Path.Combine(directory, "vocab.txt");
        if (!File.Exists(vocabPath))
        {
            throw new InvalidModelFileException(directory, "the folder has neither tokenizer.json nor vocab.txt. Copy the tokenizer files of the model into it.", null);
        }

        var vocabulary = File.ReadAllLines(vocabPath);
        var lowercase = tokenizerConfig?.GetBoolean("do_lower_case") ?? true;
        var normalizer = new BertNormalizerSettings(
            CleanText: true,
            HandleChineseChars: tokenizerConfig?.GetBoolean("tokenize_chinese_chars") ?? true,
            StripAccents: tokenizerConfig?.GetBoolean("strip_accents") ?? lowercase,
            Lowercase: lowercase);
        var defaults = WordPieceSettings.BertUncased;
        var settings = new WordPieceSettings(
            normalizer,
            tokenizerConfig?.GetString("cls_token") ?? defaults.ClassificationToken,
            tokenizerConfig?.GetString("sep_token") ?? defaults.SeparatorToken,
            tokenizerConfig?.GetString("pad_token") ?? defaults.PaddingToken,
            tokenizerConfig?.GetString("unk_token") ?? defaults.UnknownToken,
            defaults.ContinuingSubwordPrefix,
            defaults.MaxInputCharsPerWord,
            SpecialTokensOf(tokenizerConfig) is { Count: > 0 } named ? named : defaults.SpecialTokens);
        return (vocabulary, settings);
    }

    private static List<string> SpecialTokensOf(JsonElement? tokenizerConfig) =>
        [.. ((ReadOnlySpan<string>)["cls_token", "sep_token", "pad_token", "unk_token", "mask_token"]).ToArray()
            .Select(name => tokenizerConfig?.GetString(name))
            .OfType<string>()];

    private static (IReadOnlyList<string> Vocabulary, WordPieceSettings Settings) ReadTokenizerJson(string path, JsonElement root, JsonElement? tokenizerConfig)
    {
        var model = root.GetObject("model")
            ?? throw new InvalidModelFileException(path, "it has no \"model\" object; it is not a Hugging Face tokenizers file.", null);
        var type = model.GetString("type");
        if (!string.Equals(type, "WordPiece", StringComparison.Ordinal))
        {
            throw new InvalidModelFileException(path, $"its tokenizer model is '{type}', but only WordPiece (BERT-family) tokenizers are supported. Use a BERT-family sentence encoder such as all-MiniLM-L6-v2.", null);
        }

        var vocab = model.GetObject("vocab")
            ?? throw new InvalidModelFileException(path, "its WordPiece model has no vocabulary.", null);
        var tokens = new string[vocab.EnumerateObject().Count()];
        foreach (var entry in vocab.EnumerateObject())
        {
            var id = entry.Value.GetInt32();
            if (id < 0 || id >= tokens.Length || tokens[id] is not null)
            {
                throw new InvalidModelFileException(path, $"its vocabulary ids are not 0..{tokens.Length - 1} without gaps (token '{entry.Name}' has id {id}).", null);
            }

            tokens[id] = entry.Name;
        }

        var normalizer = root.GetObject("normalizer");
        BertNormalizerSettings normalizerSettings;
        if (normalizer is { } n && n.GetString("type") == "BertNormalizer")
        {
            var lowercase = n.GetBoolean("lowercase") ?? true;
            normalizerSettings = new BertNormalizerSettings(
                n.GetBoolean("clean_text") ?? true,
                n.GetBoolean("handle_chinese_chars") ?? true,
                n.GetBoolean("strip_accents") ?? lowercase,
                lowercase);
        }
        else if (normalizer is null)
        {
            normalizerSettings = new BertNormalizerSettings(false, false, false, false);
        }
        else
        {
            throw new InvalidModelFileException(path, $"its normalizer '{normalizer.Value.GetString("type")}' is not supported (BertNormalizer is).", null);
        }

        var defaults = WordPieceSettings.BertUncased;
        var (cls, sep) = ReadPostProcessor(root.GetObject("post_processor"));
        var special = new List<string>();
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (var token in added.EnumerateArray())
            {
                if (token.GetBoolean("special") == true && token.GetString("content") is { } content)
                {
                    special.Add(content);
                }
            }
        }

        var settings = new WordPieceSettings(
            normalizerSettings,
            cls ?? tokenizerConfig?.GetString("cls_token") ?? defaults.ClassificationToken,
            sep ?? tokenizerConfig?.GetString("sep_token") ?? defaults.SeparatorToken,
            tokenizerConfig?.GetString("pad_token") ?? defaults.PaddingToken,
            model.GetString("unk_token") ?? defaults.UnknownToken,
            model.GetString("continuing_subword_prefix") ?? defaults.ContinuingSubwordPrefix,
            (int?)model.GetInt64("max_input_chars_per_word") ?? defaults.MaxInputCharsPerWord,
            special);
        return (tokens, settings);
    }

    private static (string? Cls, string? Sep) ReadPostProcessor(JsonElement? processor)
    {
        if (processor is not { } p)
        {
            return (null, null);
        }

        static string? First(JsonElement p, string name) =>
            p.TryGetProperty(name, out var pair) && pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() > 0 && pair[0].ValueKind == JsonValueKind.String
                ? pair[0].GetString()
                : null;

        switch (p.GetString("type"))
        {
            case "BertProcessing" or "RobertaProcessing":
                return (First(p, "cls"), First(p, "sep"));
            case "TemplateProcessing" when p.TryGetProperty("single", out var single) && single.ValueKind == JsonValueKind.Array:
                string? before = null, after = null;
                var seenSequence = false;
                foreach (var piece in single.EnumerateArray())
                {
                    if (piece.GetObject("Sequence") is not null)
                    {
                        seenSequence = true;
                    }
                    else if (piece.GetObject("SpecialToken") is { } token)
                    {
                        if (seenSequence)
                        {
                            after ??= token.GetString("id");
                        }
                        else
                        {
                            before ??= token.GetString("id");
                        }
                    }
                }

                return (before, after);
            default:
                return (null, null);
        }
    }
}
