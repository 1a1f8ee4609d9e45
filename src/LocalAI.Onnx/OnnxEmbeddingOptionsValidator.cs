using Microsoft.Extensions.Options;

namespace LocalAI.Onnx;

/// <summary>Checks <see cref="OnnxEmbeddingOptions"/> once, at start.</summary>
internal sealed class OnnxEmbeddingOptionsValidator : IValidateOptions<OnnxEmbeddingOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, OnnxEmbeddingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Failures(options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws when the options are not valid.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">The options are not valid; the message lists every problem.</exception>
    public static void ThrowIfInvalid(OnnxEmbeddingOptions options)
    {
        var failures = Failures(options).ToList();
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }
    }

    private static IEnumerable<string> Failures(OnnxEmbeddingOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ModelPath) && string.IsNullOrWhiteSpace(options.ModelsDirectory))
        {
            yield return "Set OnnxEmbeddingOptions.ModelPath (a model folder) or ModelsDirectory (a folder of model folders).";
        }

        if (options.MaxBatchSize < 1)
        {
            yield return $"OnnxEmbeddingOptions.MaxBatchSize is {options.MaxBatchSize}; it must be at least 1.";
        }

        if (options.IntraOpNumThreads < 0)
        {
            yield return $"OnnxEmbeddingOptions.IntraOpNumThreads is {options.IntraOpNumThreads}; use 0 for ONNX Runtime's default or a positive count.";
        }

        if (options.MaxSequenceLength is < 2)
        {
            yield return $"OnnxEmbeddingOptions.MaxSequenceLength is {options.MaxSequenceLength}; it must be at least 2 (the classification and separator tokens).";
        }

        if (options.DownloadUrl is not null)
        {
            if (options.DownloadSha256 is not { } sha || sha.Trim().Length != 64 || !sha.Trim().All(char.IsAsciiHexDigit))
            {
                yield return "OnnxEmbeddingOptions.DownloadSha256 must be the 64-hexadecimal-digit SHA-256 of model.onnx when DownloadUrl is set.";
            }

            if (string.IsNullOrWhiteSpace(options.ModelPath))
            {
                yield return "OnnxEmbeddingOptions.ModelPath must name the folder to download into when DownloadUrl is set.";
            }

            if (!options.DownloadUrl.IsAbsoluteUri || options.DownloadUrl.Scheme is not ("http" or "https"))
            {
                yield return $"OnnxEmbeddingOptions.DownloadUrl '{options.DownloadUrl}' must be an absolute http or https address.";
            }
        }
    }
}
