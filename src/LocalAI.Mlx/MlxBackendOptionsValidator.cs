using Microsoft.Extensions.Options;

namespace LocalAI.Mlx;

/// <summary>Validates <see cref="MlxBackendOptions"/>; the options name is the backend id, so each message names its configuration key.</summary>
internal sealed class MlxBackendOptionsValidator : IValidateOptions<MlxBackendOptions>
{
    public ValidateOptionsResult Validate(string? name, MlxBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = $"LocalAI:{name ?? MlxBackend.DefaultId}";
        var failures = new List<string>();
        foreach (var (model, setting) in new[] { (options.ChatModel, nameof(options.ChatModel)), (options.EmbeddingModel, nameof(options.EmbeddingModel)), (options.VisionModel, nameof(options.VisionModel)) })
        {
            if (string.IsNullOrWhiteSpace(model))
            {
                failures.Add($"{key}:{setting} must name a model.");
            }
        }

        if (options.Engine is { } engine && (engine.IndexOf(':', StringComparison.Ordinal) is var colon && (colon <= 0 || colon == engine.Length - 1)))
        {
            failures.Add($"{key}:Engine must be 'module:Class', got '{engine}'.");
        }

        Positive(failures, key, options.EmbeddingDimensions, nameof(options.EmbeddingDimensions));
        Positive(failures, key, options.MaxLoadedModels, nameof(options.MaxLoadedModels));
        Positive(failures, key, options.MaxRequestLineBytes, nameof(options.MaxRequestLineBytes));
        Positive(failures, key, options.RequestTimeout, nameof(options.RequestTimeout));
        Positive(failures, key, options.StartupTimeout, nameof(options.StartupTimeout));
        Positive(failures, key, options.ShutdownTimeout, nameof(options.ShutdownTimeout));
        if (options.RestartBackoff < TimeSpan.Zero || options.MaxRestartBackoff < options.RestartBackoff)
        {
            failures.Add($"{key}:RestartBackoff must be zero or more and at most {key}:MaxRestartBackoff (were {options.RestartBackoff} and {options.MaxRestartBackoff}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws when the options of backend <paramref name="id"/> are out of range, with the message configuration validation gives.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names its key.</exception>
    public static void ThrowIfInvalid(string id, MlxBackendOptions options)
    {
        var result = new MlxBackendOptionsValidator().Validate(id, options);
        if (result.Failed)
        {
            throw new ArgumentException(result.FailureMessage, nameof(options));
        }
    }

    private static void Positive(List<string> failures, string key, int value, string name)
    {
        if (value <= 0)
        {
            failures.Add($"{key}:{name} must be positive, got {value}.");
        }
    }

    private static void Positive(List<string> failures, string key, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"{key}:{name} must be positive, got {value}.");
        }
    }
}
