using Microsoft.Extensions.Options;

namespace LocalAI.Onnx;

/// <summary>Checks <see cref="OnnxBackendOptions"/> once, at start; the options name is the backend id, so every message names its configuration key.</summary>
internal sealed class OnnxBackendOptionsValidator : IValidateOptions<OnnxBackendOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, OnnxBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Failures(name, options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws when the options are not valid, with the messages the validator gives at start.</summary>
    /// <param name="id">The backend id (the configuration sub-section the messages name).</param>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">The options are not valid; the message lists every problem.</exception>
    public static void ThrowIfInvalid(string id, OnnxBackendOptions options)
    {
        var failures = Failures(id, options).ToList();
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }
    }

    private static IEnumerable<string> Failures(string? id, OnnxBackendOptions options)
    {
        var key = "LocalAI:" + (string.IsNullOrEmpty(id) ? OnnxBackend.DefaultId : id);
        if (string.IsNullOrWhiteSpace(options.ModelPath) && string.IsNullOrWhiteSpace(options.ModelsDirectory))
        {
            yield return $"Set {key}:ModelPath (a model folder) or {key}:ModelsDirectory (a folder of model folders).";
        }

        if (options.MaxBatchSize < 1)
        {
            yield return $"{key}:MaxBatchSize is {options.MaxBatchSize}; it must be at least 1.";
        }

        if (options.IntraOpNumThreads < 0)
        {
            yield return $"{key}:IntraOpNumThreads is {options.IntraOpNumThreads}; use 0 for ONNX Runtime's default or a positive count.";
        }

        if (options.MaxSequenceLength is < 2)
        {
            yield return $"{key}:MaxSequenceLength is {options.MaxSequenceLength}; it must be at least 2 (the classification and separator tokens).";
        }

        if (options.DownloadSha256 is { } sha && (sha.Trim().Length != 64 || !sha.Trim().All(char.IsAsciiHexDigit)))
        {
            yield return $"{key}:DownloadSha256 must be the 64-hexadecimal-digit SHA-256 of the ONNX file (was '{sha}').";
        }

        if (options.DownloadRepository is { } repository && (repository.Trim().Split('/') is not [{ Length: > 0 }, { Length: > 0 }]))
        {
            yield return $"{key}:DownloadRepository '{repository}' must be a Hugging Face repository written owner/name.";
        }

        if (string.IsNullOrWhiteSpace(options.DownloadRepository) && options.DownloadUrl is { } url && !DefaultModelSource.TryParse(url, options.HuggingFace, out _))
        {
            yield return $"{key}:DownloadUrl '{url}' is not a Hugging Face repository address ({{endpoint}}/{{owner}}/{{name}}, optionally /resolve/{{revision}}). Downloads come from a hub, resumable and checked: set {key}:DownloadRepository to owner/name and {key}:HuggingFace:Endpoint to the hub or mirror.";
        }

        if ((!string.IsNullOrWhiteSpace(options.DownloadRepository) || options.DownloadUrl is not null) && string.IsNullOrWhiteSpace(options.ModelPath))
        {
            yield return $"{key}:ModelPath must name the folder to download the default model into when DownloadRepository or DownloadUrl is set.";
        }
    }
}
