using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LocalAI.Onnx;

/// <summary>The inputs and output of an ONNX sentence encoder, checked against what a BERT-family transformer export has.</summary>
/// <param name="InputNames">The inputs, in the session's order.</param>
/// <param name="HasAttentionMask">Whether the model takes <c>attention_mask</c>.</param>
/// <param name="HasTokenTypeIds">Whether the model takes <c>token_type_ids</c> (MPNet and RoBERTa exports do not).</param>
/// <param name="OutputName">The <c>[batch, sequence, hidden]</c> token vectors output.</param>
/// <param name="HiddenSize">The size of each token vector.</param>
internal sealed record ModelSignature(string[] InputNames, bool HasAttentionMask, bool HasTokenTypeIds, string OutputName, int HiddenSize)
{
    /// <summary>The name of the token ids input.</summary>
    public const string InputIds = "input_ids";

    /// <summary>The name of the attention mask input.</summary>
    public const string AttentionMask = "attention_mask";

    /// <summary>The name of the segment ids input.</summary>
    public const string TokenTypeIds = "token_type_ids";

    /// <summary>Reads and checks a session's inputs and outputs.</summary>
    /// <param name="config">The folder's configuration (for the file name and the declared size).</param>
    /// <param name="session">The session.</param>
    /// <returns>The signature.</returns>
    /// <exception cref="InvalidModelFileException">The model is not a sentence encoder this package can run.</exception>
    public static ModelSignature Read(SentenceEncoderConfig config, InferenceSession session)
    {
        var inputs = session.InputMetadata;
        var described = string.Join(", ", inputs.Select(i => $"{i.Key} {i.Value.ElementDataType}[{string.Join(",", i.Value.Dimensions)}]"));
        foreach (var (name, metadata) in inputs)
        {
            if (name is not (InputIds or AttentionMask or TokenTypeIds))
            {
                throw NotAnEncoder(config, $"it has an input '{name}' a sentence encoder does not have (inputs: {described})");
            }

            if (metadata.ElementDataType != TensorElementType.Int64 || metadata.Dimensions.Length != 2)
            {
                throw NotAnEncoder(config, $"input '{name}' is {metadata.ElementDataType} of rank {metadata.Dimensions.Length}, not int64 [batch, sequence] (inputs: {described})");
            }
        }

        if (!inputs.ContainsKey(InputIds))
        {
            throw NotAnEncoder(config, $"it has no '{InputIds}' input (inputs: {described})");
        }

        var outputs = session.OutputMetadata;
        var output = outputs.FirstOrDefault(o => o.Key is "last_hidden_state" or "token_embeddings" && IsTokenVectors(o.Value));
        if (output.Key is null)
        {
            output = outputs.FirstOrDefault(o => IsTokenVectors(o.Value));
        }

        if (output.Key is null)
        {
            var outputsDescribed = string.Join(", ", outputs.Select(o => $"{o.Key} {o.Value.ElementDataType}[{string.Join(",", o.Value.Dimensions)}]"));
            throw NotAnEncoder(config, $"it has no float [batch, sequence, hidden] output of token vectors (outputs: {outputsDescribed})");
        }

        var hidden = output.Value.Dimensions[2];
        if (hidden <= 0)
        {
            hidden = config.Dimensions
                ?? throw NotAnEncoder(config, $"the size of output '{output.Key}' is not fixed and no config.json or 1_Pooling/config.json declares it");
        }
        else if (config.Dimensions is { } declared && declared != hidden)
        {
            throw NotAnEncoder(config, $"output '{output.Key}' has {hidden} dimensions but the folder's configuration declares {declared}; the ONNX file and the configuration files come from different models");
        }

        return new ModelSignature(
            [.. inputs.Keys],
            inputs.ContainsKey(AttentionMask),
            inputs.ContainsKey(TokenTypeIds),
            output.Key,
            hidden);
    }

    private static bool IsTokenVectors(NodeMetadata metadata) =>
        metadata.IsTensor && metadata.ElementDataType == TensorElementType.Float && metadata.Dimensions.Length == 3;

    private static InvalidModelFileException NotAnEncoder(SentenceEncoderConfig config, string reason) =>
        new(config.OnnxPath, $"it is not a sentence encoder: {reason}. Export the transformer of a sentence-transformers model (inputs input_ids, attention_mask[, token_type_ids]; output last_hidden_state).", null);
}
