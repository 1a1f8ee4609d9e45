using LocalAI.Text;


namespace LocalAI.Onnx;

/// <summary>What a sentence-transformers folder says about its model, with the options' overrides applied.</summary>
/// <param name="ModelId">The model name (the folder's name unless overridden).</param>
/// <param name="Directory">The model folder.</param>
/// <param name="OnnxPath">The ONNX file.</param>
/// <param name="Vocabulary">The tokens in id order.</param>
/// <param name="Tokenizer">The tokenizer settings.</param>
/// <param name="MaxSequenceLength">The maximum number of tokens per text, special tokens included.</param>
/// <param name="MaxSequenceLengthSource">Where <paramref name="MaxSequenceLength"/> came from (one of <see cref="MaxLengthSources"/>).</param>
/// <param name="MaxSequenceLengthGuessed">Whether the folder has no <c>sentence_bert_config.json</c> and no option set the limit, so it may not be the one the model was trained with.</param>
/// <param name="Pooling">The pooling.</param>
/// <param name="Normalize">Whether sentence vectors are scaled to unit length.</param>
/// <param name="Dimensions">The sentence vector size the configuration declares, when it declares one.</param>
/// <param name="Family">The architecture (<c>model_type</c> in <c>config.json</c>), when known.</param>
internal sealed record SentenceEncoderConfig(
    string ModelId,
    string Directory,
    string OnnxPath,
    IReadOnlyList<string> Vocabulary,
    WordPieceSettings Tokenizer,
    int MaxSequenceLength,
    string MaxSequenceLengthSource,
    bool MaxSequenceLengthGuessed,
    OnnxPoolingMode Pooling,
    bool Normalize,
    int? Dimensions,
    string? Family);
