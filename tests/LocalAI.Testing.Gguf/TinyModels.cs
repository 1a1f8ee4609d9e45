using LocalAI.Gguf;

namespace LocalAI.Testing.Gguf;

/// <summary>Writes tiny random-weight GGUF models with real tokenizer tables; deterministic for a seed, written once per output folder.</summary>
public static class TinyModels
{
    /// <summary>The ChatML template the chat model carries as <c>tokenizer.chat_template</c>.</summary>
    public const string ChatMlTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /// <summary>The side, in pixels, of the square image <see cref="VisionProjector"/> takes; llama.cpp resizes every image to it.</summary>
    public const int VisionImageSize = 32;

    /// <summary>The side, in pixels, of one patch of <see cref="VisionProjector"/>: one image token each.</summary>
    public const int VisionPatchSize = 8;

    /// <summary>The number of tokens one image becomes through <see cref="VisionProjector"/>, whatever its size: (32 / 8)² patches.</summary>
    public const int VisionImageTokens = VisionImageSize / VisionPatchSize * (VisionImageSize / VisionPatchSize);

    private const string Revision = "r1";

    /// <summary>The embedding width of <see cref="Chat"/>, which the projector's output must match.</summary>
    private const int ChatWidth = 64;
    private static readonly Lock Gate = new();

    /// <summary>Gets the folder of the vocabulary files copied beside the test assembly.</summary>
    public static string VocabFolder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "vocab");

    /// <summary>Gets the folder the models are written to.</summary>
    public static string GeneratedFolder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "generated");

    /// <summary>Gets the path of a llama.cpp vocabulary file, <c>ggml-vocab-&lt;name&gt;.gguf</c>.</summary>
    /// <param name="name">The vocabulary, <c>llama-spm</c> or <c>bert-bge</c>.</param>
    /// <returns>The path.</returns>
    /// <exception cref="InvalidOperationException">The file is missing (the native setup script has not run).</exception>
    public static string VocabPath(string name)
    {
        var path = Path.Combine(VocabFolder, $"ggml-vocab-{name}.gguf");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"'{path}' is missing: run scripts/setup.d/20-llama-native.sh, then rebuild the test project.");
        }

        return path;
    }

    /// <summary>A llama-architecture chat model (64 wide, 2 layers, untied output.weight) on the llama SPM vocabulary.</summary>
    /// <param name="seed">The seed of the weights.</param>
    /// <returns>The model's path.</returns>
    public static string Chat(int seed = 1234) => Cached($"tiny-llama-{seed}-{Revision}.gguf", path =>
    {
        const int embd = ChatWidth, ff = 128, heads = 4, kvHeads = 2, layers = 2, headDim = embd / heads;
        var vocab = GgufFile.Read(VocabPath("llama-spm"));
        var n = vocab.VocabularySize!.Value;
        var random = new Random(seed);
        var w = CopyTokenizer(vocab)
            .SetString("general.architecture", "llama")
            .SetString("general.name", "tiny-llama")
            .SetUInt32("general.file_type", 1)
            .SetUInt32("llama.context_length", 1024)
            .SetUInt32("llama.embedding_length", embd)
            .SetUInt32("llama.block_count", layers)
            .SetUInt32("llama.feed_forward_length", ff)
            .SetUInt32("llama.attention.head_count", heads)
            .SetUInt32("llama.attention.head_count_kv", kvHeads)
            .SetUInt32("llama.rope.dimension_count", headDim)
            .SetUInt32("llama.vocab_size", (uint)n)
            .SetFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
            .SetString("tokenizer.chat_template", ChatMlTemplate)
            .AddTensor("token_embd.weight", [embd, n], random, 1f, f16: true)
            .AddConstant("output_norm.weight", embd, 1f)
            .AddTensor("output.weight", [embd, n], random, 0.5f, f16: true);
        for (var i = 0; i < layers; i++)
        {
            w.AddConstant($"blk.{i}.attn_norm.weight", embd, 1f)
                .AddTensor($"blk.{i}.attn_q.weight", [embd, embd], random, 0.2f)
                .AddTensor($"blk.{i}.attn_k.weight", [embd, headDim * kvHeads], random, 0.2f)
                .AddTensor($"blk.{i}.attn_v.weight", [embd, headDim * kvHeads], random, 0.2f)
                .AddTensor($"blk.{i}.attn_output.weight", [embd, embd], random, 0.2f)
                .AddConstant($"blk.{i}.ffn_norm.weight", embd, 1f)
                .AddTensor($"blk.{i}.ffn_gate.weight", [embd, ff], random, 0.2f)
                .AddTensor($"blk.{i}.ffn_down.weight", [ff, embd], random, 0.2f)
                .AddTensor($"blk.{i}.ffn_up.weight", [embd, ff], random, 0.2f);
        }

        w.Write(path);
    });

    /// <summary>A LLaVA-style multimodal projector (<c>mmproj</c>) for <see cref="Chat"/>: a 32-wide, 2-block CLIP vision encoder on 32-pixel images in 8-pixel patches, and a two-layer MLP projector to the chat model's 64-wide embeddings, for llama-server's <c>--mmproj</c>.</summary>
    /// <remarks>As in LLaVA, the encoder's output is taken before its last block, so one block runs. Every image becomes <see cref="VisionImageTokens"/> tokens.</remarks>
    /// <param name="seed">The seed of the weights.</param>
    /// <returns>The projector's path.</returns>
    public static string VisionProjector(int seed = 4321) => Cached($"tiny-mmproj-{seed}-{Revision}.gguf", path =>
    {
        const int embd = 32, ff = 48, heads = 4, layers = 2, hidden = 64, positions = VisionImageTokens;
        var random = new Random(seed);
        var w = new GgufWriter()
            .SetString("general.architecture", "clip")
            .SetString("general.name", "tiny-mmproj")
            .SetUInt32("general.file_type", 1)
            .SetBool("clip.has_vision_encoder", true)
            .SetString("clip.projector_type", "mlp")
            .SetBool("clip.use_gelu", true)
            .SetUInt32("clip.vision.image_size", VisionImageSize)
            .SetUInt32("clip.vision.patch_size", VisionPatchSize)
            .SetUInt32("clip.vision.embedding_length", embd)
            .SetUInt32("clip.vision.feed_forward_length", ff)
            .SetUInt32("clip.vision.block_count", layers)
            .SetUInt32("clip.vision.attention.head_count", heads)
            .SetUInt32("clip.vision.projection_dim", ChatWidth)
            .SetFloat32("clip.vision.attention.layer_norm_epsilon", 1e-5f)
            .Set("clip.vision.image_mean", new GgufMetadataValue(GgufValueType.Array, new[] { 0.5f, 0.5f, 0.5f }, GgufValueType.Float32))
            .Set("clip.vision.image_std", new GgufMetadataValue(GgufValueType.Array, new[] { 0.5f, 0.5f, 0.5f }, GgufValueType.Float32))
            .AddTensor("v.patch_embd.weight", [VisionPatchSize, VisionPatchSize, 3, embd], random, 0.1f, f16: true)
            .AddTensor("v.patch_embd.bias", [embd], random, 0.05f)
            .AddTensor("v.position_embd.weight", [embd, positions], random, 0.1f);
        for (var i = 0; i < layers; i++)
        {
            w.AddLayerNorm($"v.blk.{i}.ln1", embd);
            foreach (var part in new[] { "attn_q", "attn_k", "attn_v", "attn_out" })
            {
                w.AddLinear($"v.blk.{i}.{part}", embd, embd, random);
            }

            w.AddLayerNorm($"v.blk.{i}.ln2", embd)
                .AddLinear($"v.blk.{i}.ffn_up", embd, ff, random)
                .AddLinear($"v.blk.{i}.ffn_down", ff, embd, random);
        }

        w.AddLinear("mm.0", embd, hidden, random)
            .AddLinear("mm.2", hidden, ChatWidth, random)
            .Write(path);
    });

    /// <summary>A BERT-architecture embedding model (32 wide, 2 layers, mean pooling) on the bert-bge WordPiece vocabulary.</summary>
    /// <param name="seed">The seed of the weights.</param>
    /// <returns>The model's path.</returns>
    public static string Embedding(int seed = 99) => Cached($"tiny-bert-{seed}-{Revision}.gguf", path =>
    {
        const int embd = 32, ff = 64, layers = 2, context = 512;
        var vocab = GgufFile.Read(VocabPath("bert-bge"));
        var n = vocab.VocabularySize!.Value;
        var random = new Random(seed);
        var w = CopyTokenizer(vocab)
            .SetString("general.architecture", "bert")
            .SetString("general.name", "tiny-bert")
            .SetUInt32("general.file_type", 1)
            .SetUInt32("bert.context_length", context)
            .SetUInt32("bert.embedding_length", embd)
            .SetUInt32("bert.block_count", layers)
            .SetUInt32("bert.feed_forward_length", ff)
            .SetUInt32("bert.attention.head_count", 4)
            .SetFloat32("bert.attention.layer_norm_epsilon", 1e-12f)
            .SetBool("bert.attention.causal", false)
            .SetUInt32("bert.pooling_type", 1)
            .AddTensor("token_embd.weight", [embd, n], random, 1f, f16: true)
            .AddTensor("token_types.weight", [embd, 2], random, 0.1f)
            .AddTensor("position_embd.weight", [embd, context], random, 0.1f)
            .AddLayerNorm("token_embd_norm", embd);
        for (var i = 0; i < layers; i++)
        {
            foreach (var part in new[] { "attn_q", "attn_k", "attn_v", "attn_output" })
            {
                w.AddLinear($"blk.{i}.{part}", embd, embd, random);
            }

            w.AddLayerNorm($"blk.{i}.attn_output_norm", embd)
                .AddLinear($"blk.{i}.ffn_up", embd, ff, random)
                .AddLinear($"blk.{i}.ffn_down", ff, embd, random)
                .AddLayerNorm($"blk.{i}.layer_output_norm", embd);
        }

        w.Write(path);
    });

    /// <summary>A very small llama model (16 wide, 1 layer) with a 300-token byte-fallback vocabulary: a fuzzing seed of a few tens of kilobytes.</summary>
    /// <param name="seed">The seed of the weights.</param>
    /// <returns>The model's path.</returns>
    public static string Small(int seed = 7) => Cached($"small-llama-{seed}-{Revision}.gguf", path =>
    {
        const int embd = 16, ff = 32;
        var tokens = new List<string> { "<unk>", "<s>", "</s>" };
        var types = new List<int> { 2, 3, 3 };
        for (var b = 0; b < 256; b++)
        {
            tokens.Add($"<0x{b:X2}>");
            types.Add(6);
        }

        foreach (var word in "the a of and to in is it that was for on are with as be at by this from".Split(' '))
        {
            tokens.Add("\u2581" + word);
            types.Add(1);
        }

        for (var c = 'a'; c <= 'z'; c++)
        {
            tokens.Add(c.ToString());
            types.Add(1);
        }

        var n = tokens.Count;
        var random = new Random(seed);
        var w = new GgufWriter()
            .SetString("general.architecture", "llama")
            .SetString("general.name", "small-llama")
            .SetUInt32("llama.context_length", 64)
            .SetUInt32("llama.embedding_length", embd)
            .SetUInt32("llama.block_count", 1)
            .SetUInt32("llama.feed_forward_length", ff)
            .SetUInt32("llama.attention.head_count", 2)
            .SetUInt32("llama.attention.head_count_kv", 2)
            .SetFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
            .SetString("tokenizer.ggml.model", "llama")
            .Set("tokenizer.ggml.tokens", new GgufMetadataValue(GgufValueType.Array, tokens.ToArray(), GgufValueType.String))
            .Set("tokenizer.ggml.scores", new GgufMetadataValue(GgufValueType.Array, tokens.Select((_, i) => -(float)i).ToArray(), GgufValueType.Float32))
            .Set("tokenizer.ggml.token_type", new GgufMetadataValue(GgufValueType.Array, types.ToArray(), GgufValueType.Int32))
            .SetUInt32("tokenizer.ggml.bos_token_id", 1)
            .SetUInt32("tokenizer.ggml.eos_token_id", 2)
            .SetUInt32("tokenizer.ggml.unknown_token_id", 0)
            .AddTensor("token_embd.weight", [embd, n], random, 1f)
            .AddConstant("output_norm.weight", embd, 1f)
            .AddTensor("output.weight", [embd, n], random, 0.5f)
            .AddConstant("blk.0.attn_norm.weight", embd, 1f)
            .AddTensor("blk.0.attn_q.weight", [embd, embd], random, 0.2f)
            .AddTensor("blk.0.attn_k.weight", [embd, embd], random, 0.2f)
            .AddTensor("blk.0.attn_v.weight", [embd, embd], random, 0.2f)
            .AddTensor("blk.0.attn_output.weight", [embd, embd], random, 0.2f)
            .AddConstant("blk.0.ffn_norm.weight", embd, 1f)
            .AddTensor("blk.0.ffn_gate.weight", [embd, ff], random, 0.2f)
            .AddTensor("blk.0.ffn_down.weight", [ff, embd], random, 0.2f)
            .AddTensor("blk.0.ffn_up.weight", [embd, ff], random, 0.2f);
        w.Write(path);
    });

    private static GgufWriter CopyTokenizer(GgufFile vocab)
    {
        var writer = new GgufWriter();
        foreach (var (key, value) in vocab.Metadata)
        {
            if (key.StartsWith("tokenizer.", StringComparison.Ordinal))
            {
                writer.Set(key, value);
            }
        }

        return writer;
    }

    private static string Cached(string name, Action<string> write)
    {
        lock (Gate)
        {
            Directory.CreateDirectory(GeneratedFolder);
            var path = Path.Combine(GeneratedFolder, name);
            if (!File.Exists(path))
            {
                write(path);
            }

            return path;
        }
    }
}
