namespace LocalAI.Gguf;

/// <summary>
/// Checks the metadata values that llama.cpp (0.5.0) asserts on rather than refuses: a value outside these limits aborts the process
/// inside <c>llama_model_load_from_file</c>, <c>llama_init_from_model</c> or the first decode, so it is refused here first. Each check
/// names the limit and the llama.cpp source line it guards; the package README lists them.
/// </summary>
internal static class GgufHyperParameterValidator
{
    /// <summary>LLAMA_MAX_LAYERS (src/llama-hparams.h:11).</summary>
    public const int MaxLayers = 512;

    /// <summary>LLAMA_MAX_EXPERTS (src/llama-hparams.h:12).</summary>
    public const int MaxExperts = 1024;

    /// <summary>TENSOR_ALIGNMENT of ggml's CPU backend: the start of a memory-mapped tensor data section must be a multiple of it.</summary>
    public const int CpuBufferAlignment = 32;

    private static readonly string[] RopeScalingTypes = ["none", "linear", "yarn", "longrope"];

    /// <summary>Architectures whose graph asserts that keys and values have the same head size.</summary>
    private static readonly HashSet<string> EqualHeadSizeArchitectures = new(StringComparer.Ordinal) { "llama", "bert" };

    public static void Validate(GgufFile file)
    {
        var arch = file.Architecture;
        var layers = Integer(file, arch + ".block_count");
        if (layers is { } n && n is < 1 or > MaxLayers)
        {
            throw Invalid(file, $"{arch}.block_count is {n}; llama.cpp supports 1 to {MaxLayers} layers (LLAMA_MAX_LAYERS, llama-model.cpp:1260)");
        }

        if (Integer(file, arch + ".nextn_predict_layers") is { } nextn && nextn > (layers ?? 0))
        {
            throw Invalid(file, $"{arch}.nextn_predict_layers is {nextn}, more than the {layers ?? 0} layers of {arch}.block_count (llama-model.cpp:1262)");
        }

        ValidateExperts(file, arch);
        ValidateRopeScaling(file, arch);
        ValidatePooling(file, arch);
        ValidateEpsilons(file, arch);
        ValidateHeadSizes(file, arch);
        ValidateDataAlignment(file);
        ValidateSpecialTokens(file);
    }

    private static void ValidateExperts(GgufFile file, string arch)
    {
        var experts = Integer(file, arch + ".expert_count") ?? 0;
        var used = MaxInteger(file, arch + ".expert_used_count") ?? 0;
        var groups = Integer(file, arch + ".expert_group_count") ?? 0;
        var groupsUsed = Integer(file, arch + ".expert_group_used_count") ?? 0;
        if (experts is < 0 or > MaxExperts)
        {
            throw Invalid(file, $"{arch}.expert_count is {experts}; llama.cpp supports at most {MaxExperts} experts (LLAMA_MAX_EXPERTS, llama-model.cpp:1293)");
        }

        if (used < 0 || used > experts)
        {
            throw Invalid(file, $"{arch}.expert_used_count is {used}, more than the {experts} experts of {arch}.expert_count (llama-model.cpp:1294)");
        }

        if (experts == 0)
        {
            if (groups != 0)
            {
                throw Invalid(file, $"{arch}.expert_group_count is {groups} but the model has no experts (llama-model.cpp:1305)");
            }

            return;
        }

        if (used == 0)
        {
            throw Invalid(file, $"{arch}.expert_count is {experts} but {arch}.expert_used_count is 0 or missing; at least one expert must be used (llama-model.cpp:1296)");
        }

        if (groups < 0 || groups >= experts)
        {
            throw Invalid(file, $"{arch}.expert_group_count is {groups}; it must be less than the {experts} experts (llama-model.cpp:1297)");
        }

        if (groups > 1)
        {
            if (experts % groups != 0)
            {
                throw Invalid(file, $"{arch}.expert_count {experts} is not a multiple of {arch}.expert_group_count {groups} (llama-model.cpp:1299)");
            }

            if (groupsUsed <= 0 || groupsUsed >= groups)
            {
                throw Invalid(file, $"{arch}.expert_group_used_count is {groupsUsed}; it must be between 1 and {groups - 1}, fewer than the expert groups (llama-model.cpp:1300-1301)");
            }
        }
    }

    private static void ValidateRopeScaling(GgufFile file, string arch)
    {
        if (file.Metadata.TryGetValue(arch + ".rope.scaling.type", out var value) && value.Value is string type && !RopeScalingTypes.Contains(type, StringComparer.Ordinal))
        {
            throw Invalid(file, $"{arch}.rope.scaling.type is '{type}'; llama.cpp knows {string.Join(", ", RopeScalingTypes)} (llama-model.cpp:1352)");
        }
    }

    private static void ValidatePooling(GgufFile file, string arch)
    {
        // enum llama_pooling_type: NONE 0, MEAN 1, CLS 2, LAST 3, RANK 4; anything else aborts when the graph pools.
        if (Integer(file, arch + ".pooling_type") is { } pooling and not (>= 0 and <= 4))
        {
            throw Invalid(file, $"{arch}.pooling_type is {pooling}; llama.cpp knows 0 (none), 1 (mean), 2 (CLS), 3 (last) and 4 (rank) (llama-graph.cpp:3767, llama-context.cpp:1608)");
        }
    }

    private static void ValidateEpsilons(GgufFile file, string arch)
    {
        // ggml's norm, rms_norm and l2_norm kernels assert eps >= 0 (NaN fails it too); an infinite eps turns every activation into NaN.
        foreach (var (key, value) in file.Metadata)
        {
            if (!key.StartsWith(arch + ".", StringComparison.Ordinal) || !key.EndsWith("epsilon", StringComparison.Ordinal))
            {
                continue;
            }

            if (value.Value is not double eps)
            {
                throw Invalid(file, $"{key} is {Describe(value)}; it must be a float32");
            }

            if (!double.IsFinite(eps) || eps < 0)
            {
                throw Invalid(file, $"{key} is {eps}; a norm epsilon must be finite and at least 0 (ggml-cpu/ops.cpp:3843, 3949, 4319)");
            }
        }
    }

    private static void ValidateHeadSizes(GgufFile file, string arch)
    {
        if (!EqualHeadSizeArchitectures.Contains(arch))
        {
            return;
        }

        var heads = Integer(file, arch + ".attention.head_count");
        var embedding = Integer(file, arch + ".embedding_length");
        long? derived = heads is > 0 && embedding is { } e ? e / heads : null;
        var key = Integer(file, arch + ".attention.key_length") ?? derived;
        var value = Integer(file, arch + ".attention.value_length") ?? derived;
        if (key != value)
        {
            var source = arch == "llama" ? "models/llama.cpp:102" : "models/bert.cpp:71";
            throw Invalid(file, $"{arch}.attention.key_length {key} differs from {arch}.attention.value_length {value}; the {arch} graph needs equal head sizes ({source})");
        }
    }

    private static void ValidateDataAlignment(GgufFile file)
    {
        // llama.cpp maps the file and hands ggml's CPU backend a buffer that starts at the first tensor's data, which it asserts is aligned.
        if (file.Tensors.Count > 0)
        {
            var start = file.DataOffset + file.Tensors.Min(t => t.Offset);
            if (start % CpuBufferAlignment != 0)
            {
                throw Invalid(file, $"general.alignment {file.Alignment} puts the tensor data at byte {start}, not a multiple of {CpuBufferAlignment} as ggml's CPU buffer requires (ggml-backend.cpp:2511); use an alignment of at least {CpuBufferAlignment}");
            }
        }
    }

    private static void ValidateSpecialTokens(GgufFile file)
    {
        // The tokenizers assert that a token they are told to add exists (llama-vocab.cpp:588, 597, 3438, 3475, 3542).
        foreach (var (flag, id) in new[] { ("add_bos_token", "bos_token_id"), ("add_eos_token", "eos_token_id"), ("add_sep_token", "seperator_token_id") })
        {
            if (file.Metadata.TryGetValue("tokenizer.ggml." + flag, out var add) && add.Value is true &&
                (Integer(file, "tokenizer.ggml." + id) is not { } token || token >= (file.VocabularySize ?? 0)))
            {
                throw Invalid(file, $"tokenizer.ggml.{flag} is true but tokenizer.ggml.{id} is missing or not a token of the vocabulary (llama-vocab.cpp:588)");
            }
        }
    }

    private static long? Integer(GgufFile file, string key)
    {
        if (!file.Metadata.TryGetValue(key, out var value))
        {
            return null;
        }

        return value.AsInt64() ?? throw Invalid(file, $"{key} is {Describe(value)}; it must be an integer");
    }

    private static long? MaxInteger(GgufFile file, string key)
    {
        if (!file.Metadata.TryGetValue(key, out var value))
        {
            return null;
        }

        return value.Value switch
        {
            int[] ints => ints.Length == 0 ? 0 : ints.Max(),
            object[] items => items.Length == 0 ? 0 : items.Max(i => i is long l ? l : -1),
            _ => value.AsInt64() ?? -1,
        };
    }

    private static string Describe(GgufMetadataValue value) => value.Value switch
    {
        Array a => $"an array of {a.Length} {value.ElementType}",
        var v => $"{v} ({value.Type})",
    };

    private static InvalidModelFileException Invalid(GgufFile file, string reason) => new(file.Path, reason, null);
}
