namespace LocalAI.Onnx;

/// <summary>Where the maximum number of tokens per text of an ONNX model came from, as <see cref="LocalModelInfo.ContextLengthSource"/> reports it.</summary>
public static class MaxLengthSources
{
    /// <summary>The <c>MaxSequenceLength</c> option.</summary>
    public const string Option = "option MaxSequenceLength";

    /// <summary><c>max_seq_length</c> of <c>sentence_bert_config.json</c>, the limit sentence-transformers uses.</summary>
    public const string SentenceBertConfig = "sentence_bert_config.json";

    /// <summary><c>model_max_length</c> of <c>tokenizer_config.json</c>, used when <c>sentence_bert_config.json</c> is missing or names no <c>max_seq_length</c>.</summary>
    public const string TokenizerConfig = "tokenizer_config.json";

    /// <summary><c>max_position_embeddings</c> of <c>config.json</c>, at most 512, used when neither configuration names a limit.</summary>
    public const string Positions = "config.json positions";

    /// <summary>512 tokens, when no configuration file names a limit.</summary>
    public const string Fallback = "default";
}
