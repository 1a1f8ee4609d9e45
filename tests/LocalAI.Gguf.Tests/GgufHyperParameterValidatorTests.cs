using LocalAI.Testing.Gguf;

namespace LocalAI.Gguf.Tests;

/// <summary>Each value llama.cpp asserts on is refused by the managed reader with the limit in the message.</summary>
public sealed class GgufHyperParameterValidatorTests
{
    public static TheoryData<string, string, string> LlamaCases => new()
    {
        { "llama.block_count=600", "u32", "1 to 512 layers (LLAMA_MAX_LAYERS" },
        { "llama.block_count=0", "u32", "1 to 512 layers" },
        { "llama.block_count=2.5", "f32", "llama.block_count is 2.5 (Float32); it must be an integer" },
        { "llama.nextn_predict_layers=2", "u32", "more than the 1 layers" },
        { "llama.expert_count=2000", "u32", "at most 1024 experts" },
        { "llama.expert_used_count=2", "u32", "more than the 0 experts" },
        { "llama.expert_count=4", "u32", "expert_used_count is 0 or missing" },
        { "llama.expert_group_count=1", "u32", "has no experts" },
        { "llama.rope.scaling.type=quadratic", "str", "llama.rope.scaling.type is 'quadratic'; llama.cpp knows none, linear, yarn, longrope" },
        { "llama.attention.layer_norm_rms_epsilon=NaN", "f32", "must be finite and at least 0" },
        { "llama.attention.layer_norm_rms_epsilon=-1", "f32", "must be finite and at least 0" },
        { "llama.attention.layer_norm_rms_epsilon=Infinity", "f32", "must be finite and at least 0" },
        { "llama.attention.layer_norm_rms_epsilon=7", "u32", "it must be a float32" },
        { "llama.attention.key_length=4", "u32", "differs from llama.attention.value_length 8" },
        { "tokenizer.ggml.add_bos_token=true", "bool-nobos", "tokenizer.ggml.bos_token_id is missing" },
        { "general.alignment=8", "u32", "not a multiple of 32" },
    };

    [Theory]
    [MemberData(nameof(LlamaCases))]
    public void A_value_llama_cpp_asserts_on_is_refused_with_its_limit(string assignment, string type, string expected)
    {
        var ex = Refused(TinyModels.Small(), assignment, type);
        Assert.Contains(expected, ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bert.pooling_type=7", "u32", "bert.pooling_type is 7; llama.cpp knows 0 (none)")]
    [InlineData("bert.pooling_type=4294967295", "u32", "bert.pooling_type is 4294967295")]
    [InlineData("bert.attention.layer_norm_epsilon=NaN", "f32", "must be finite")]
    public void An_embedding_model_value_llama_cpp_asserts_on_is_refused(string assignment, string type, string expected)
    {
        var ex = Refused(TinyModels.Embedding(), assignment, type);
        Assert.Contains(expected, ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("llama.expert_count=8;llama.expert_used_count=2;llama.expert_group_count=3;llama.expert_group_used_count=1", "not a multiple of llama.expert_group_count 3")]
    [InlineData("llama.expert_count=8;llama.expert_used_count=2;llama.expert_group_count=4;llama.expert_group_used_count=4", "must be between 1 and 3")]
    [InlineData("llama.expert_count=8;llama.expert_used_count=2;llama.expert_group_count=8", "must be less than the 8 experts")]
    public void Inconsistent_expert_groups_are_refused(string assignments, string expected)
    {
        var writer = GgufWriter.From(TinyModels.Small());
        foreach (var assignment in assignments.Split(';'))
        {
            Apply(writer, assignment, "u32");
        }

        var ex = WriteAndRead(writer);
        Assert.Contains(expected, ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Consistent_experts_and_a_larger_alignment_pass_the_checks()
    {
        var writer = GgufWriter.From(TinyModels.Small()).SetUInt32("general.alignment", 64).SetString("llama.rope.scaling.type", "yarn");
        var path = Path.Combine(Path.GetTempPath(), $"gguf-hparams-{Guid.NewGuid():N}.gguf");
        try
        {
            writer.Write(path);
            Assert.Equal(64, GgufFile.Read(path).Alignment);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static InvalidModelFileException Refused(string model, string assignment, string type)
    {
        var writer = GgufWriter.From(model);
        Apply(writer, assignment, type);
        return WriteAndRead(writer);
    }

    private static void Apply(GgufWriter writer, string assignment, string type)
    {
        var (key, text) = (assignment[..assignment.IndexOf('=', StringComparison.Ordinal)], assignment[(assignment.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        switch (type)
        {
            case "u32": writer.SetUInt32(key, uint.Parse(text, System.Globalization.CultureInfo.InvariantCulture)); break;
            case "f32": writer.SetFloat32(key, float.Parse(text, System.Globalization.CultureInfo.InvariantCulture)); break;
            case "str": writer.SetString(key, text); break;
            default: writer.SetBool(key, bool.Parse(text)).Remove("tokenizer.ggml.bos_token_id"); break;
        }
    }

    private static InvalidModelFileException WriteAndRead(GgufWriter writer)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gguf-hparams-{Guid.NewGuid():N}.gguf");
        try
        {
            writer.Write(path);
            return Assert.Throws<InvalidModelFileException>(() => GgufFile.Read(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
