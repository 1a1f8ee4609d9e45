using LocalAI.Testing.Gguf;

namespace LocalAI.Gguf.Tests;

/// <summary>Mutations of a GGUF file's metadata values and tensor shapes: every key llama.cpp reads set to hostile values, every tensor reshaped, and random combinations.</summary>
internal static class GgufValueMutations
{
    /// <summary>Keys llama.cpp reads for a llama model that the seed file may not carry (the prefix is the architecture).</summary>
    private static readonly string[] ArchKeys =
    [
        "context_length", "embedding_length", "block_count", "feed_forward_length", "attention.head_count", "attention.head_count_kv",
        "attention.layer_norm_rms_epsilon", "attention.layer_norm_epsilon", "attention.key_length", "attention.value_length",
        "attention.causal", "attention.sliding_window", "pooling_type", "expert_count", "expert_used_count", "expert_group_count",
        "expert_group_used_count", "expert_shared_count", "nextn_predict_layers", "rope.dimension_count", "rope.freq_base",
        "rope.scaling.type", "rope.scaling.factor", "rope.scaling.original_context_length", "rope.scaling.attn_factor",
        "embedding_length_out", "vocab_size", "logit_scale", "attention.clamp_kqv", "attention.max_alibi_bias",
    ];

    private static readonly string[] OtherKeys =
    [
        "general.alignment", "general.architecture", "general.file_type", "tokenizer.ggml.model", "tokenizer.ggml.pre",
        "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id", "tokenizer.ggml.padding_token_id",
        "tokenizer.ggml.add_bos_token", "tokenizer.ggml.add_eos_token", "tokenizer.ggml.add_space_prefix", "tokenizer.chat_template",
    ];

    /// <summary>A mutation: a description and what it does to a writer.</summary>
    /// <param name="Description">What was changed.</param>
    /// <param name="Apply">Changes the writer.</param>
    public sealed record Mutation(string Description, Action<GgufWriter> Apply);

    /// <summary>Every single mutation of the seed, then random combinations of two or three until <paramref name="count"/>.</summary>
    /// <param name="seed">The writer of the seed file (only read here).</param>
    /// <param name="count">How many mutations in all.</param>
    /// <param name="random">The source of the combinations.</param>
    /// <returns>The mutations.</returns>
    public static List<Mutation> Generate(GgufWriter seed, int count, Random random)
    {
        var arch = (string)seed.Metadata.First(m => m.Key == "general.architecture").Value.Value;
        var keys = ArchKeys.Select(k => arch + "." + k).Concat(OtherKeys).Concat(seed.Metadata.Select(m => m.Key)).Distinct(StringComparer.Ordinal).ToList();
        var singles = new List<Mutation>();
        foreach (var key in keys)
        {
            foreach (var (name, value) in HostileValues())
            {
                singles.Add(new Mutation($"{key} = {name}", w => w.Set(key, value)));
            }

            singles.Add(new Mutation($"{key} removed", w => w.Remove(key)));
        }

        foreach (var (tensor, dims) in seed.Tensors)
        {
            foreach (var (name, shape) in Reshapes(dims))
            {
                singles.Add(new Mutation($"{tensor} {name}", w => w.Reshape(tensor, shape)));
            }
        }

        var all = new List<Mutation>(singles);
        while (all.Count < count)
        {
            var picks = Enumerable.Range(0, random.Next(2, 4)).Select(_ => singles[random.Next(singles.Count)]).ToArray();
            all.Add(new Mutation(string.Join("; ", picks.Select(p => p.Description)), w =>
            {
                foreach (var pick in picks)
                {
                    pick.Apply(w);
                }
            }));
        }

        return all;
    }

    private static IEnumerable<(string Name, GgufMetadataValue Value)> HostileValues()
    {
        yield return ("u32 0", new(GgufValueType.UInt32, 0L));
        yield return ("u32 1", new(GgufValueType.UInt32, 1L));
        yield return ("u32 3", new(GgufValueType.UInt32, 3L));
        yield return ("i32 -1", new(GgufValueType.Int32, -1L));
        yield return ("u32 2^31", new(GgufValueType.UInt32, 1L << 31));
        yield return ("u32 max", new(GgufValueType.UInt32, (long)uint.MaxValue));
        yield return ("u64 2^40", new(GgufValueType.UInt64, 1UL << 40));
        yield return ("f32 NaN", new(GgufValueType.Float32, double.NaN));
        yield return ("f32 +Inf", new(GgufValueType.Float32, double.PositiveInfinity));
        yield return ("f32 -Inf", new(GgufValueType.Float32, double.NegativeInfinity));
        yield return ("f32 -1", new(GgufValueType.Float32, -1.0));
        yield return ("f32 0", new(GgufValueType.Float32, 0.0));
        yield return ("f32 1e30", new(GgufValueType.Float32, 1e30));
        yield return ("bool true", new(GgufValueType.Bool, true));
        yield return ("bool false", new(GgufValueType.Bool, false));
        yield return ("string", new(GgufValueType.String, "yarn"));
        yield return ("u32 array", new(GgufValueType.Array, new object[] { 1L, 0L, 600L }, GgufValueType.UInt32));
        yield return ("i32 array", new(GgufValueType.Array, new[] { 0 }, GgufValueType.Int32));
    }

    private static IEnumerable<(string Name, long[] Shape)> Reshapes(long[] dims)
    {
        yield return ("rows + 1", [dims[0] + 1, .. dims[1..]]);
        yield return ("rows - 1", [Math.Max(1, dims[0] - 1), .. dims[1..]]);
        yield return ("reversed", [.. dims.Reverse()]);
        yield return ("extra dimension", [.. dims, 2]);
        yield return ("flattened", [dims.Aggregate(1L, (a, b) => a * b)]);
        if (dims.Length > 1)
        {
            yield return ("columns doubled", [dims[0], dims[1] * 2, .. dims[2..]]);
        }
    }
}
