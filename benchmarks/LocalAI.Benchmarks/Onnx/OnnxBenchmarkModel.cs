using LocalAI.Onnx;
using LocalAI.Testing.Models;

namespace LocalAI.Benchmarks.Onnx;

/// <summary>The model and texts the ONNX benchmarks share.</summary>
/// <remarks>
/// The model is the tiny random-weight BERT fixture (2 layers, 32 wide) unless <c>LOCALAI_ONNX_MODEL</c> names a real
/// model folder (for example an all-MiniLM-L6-v2 export): the tiny model makes <c>InferenceSession.Run</c> far cheaper
/// than a real one, so it overstates the share of time spent around it.
/// </remarks>
internal static class OnnxBenchmarkModel
{
    private static readonly string[] Words =
    [
        "local", "embedding", "models", "run", "in", "process", "with", "onnx", "runtime", "the", "vector", "store",
        "keeps", "chunks", "of", "documents", "and", "their", "sources", "a", "query", "finds", "nearest", "neighbours",
        "quickly", "without", "server", "python", "or", "network", "access", "tokenizer", "splits", "words", "into", "pieces",
    ];

    public static string ModelPath =>
        Environment.GetEnvironmentVariable("LOCALAI_ONNX_MODEL") is { Length: > 0 } path
            ? path
            : TinyBertModel.FolderPath;

    public static OnnxEmbeddingGenerator CreateGenerator(int maxBatchSize = 32) =>
        new(new OnnxBackendOptions { ModelPath = ModelPath, MaxBatchSize = maxBatchSize, IntraOpNumThreads = 1 });

    /// <summary>Texts of mixed length, 3 to 110 words, most of them short (as sentences and RAG chunks mixed), the same on every run.</summary>
    public static string[] MixedLengthTexts(int count)
    {
        var random = new Random(20261122);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var length = (int)(3 + (107 * Math.Pow(random.NextDouble(), 2.5)));
            return string.Join(' ', Enumerable.Range(0, length).Select(_ => Words[random.Next(Words.Length)])) + ".";
        })];
    }

    /// <summary>Short sentences of 5 to 12 words, the same on every run.</summary>
    public static string[] ShortTexts(int count)
    {
        var random = new Random(11);
        return [.. Enumerable.Range(0, count).Select(_ =>
            string.Join(' ', Enumerable.Range(0, random.Next(5, 13)).Select(_ => Words[random.Next(Words.Length)])) + ".")];
    }

    /// <summary>A RAG-sized chunk of about 180 words (truncated to the model's maximum).</summary>
    public static string[] Chunks(int count)
    {
        var random = new Random(7);
        return [.. Enumerable.Range(0, count).Select(_ =>
            string.Join(' ', Enumerable.Range(0, 180).Select(_ => Words[random.Next(Words.Length)])) + ".")];
    }
}
