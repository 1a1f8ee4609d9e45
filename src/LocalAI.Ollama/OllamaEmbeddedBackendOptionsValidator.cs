using Microsoft.Extensions.Options;

namespace LocalAI.Ollama;

/// <summary>Validates <see cref="OllamaEmbeddedBackendOptions"/> and its <see cref="OllamaEmbeddedBackendOptions.Client"/> settings; the options name is the backend id, so each message names its configuration key.</summary>
internal sealed class OllamaEmbeddedBackendOptionsValidator : IValidateOptions<OllamaEmbeddedBackendOptions>
{
    public ValidateOptionsResult Validate(string? name, OllamaEmbeddedBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = $"LocalAI:{name ?? OllamaEmbeddedBackend.DefaultId}";
        var failures = new List<string>();
        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"{key}:Port must be between 0 and 65535 (was {options.Port}).");
        }

        if (options.NumParallel < 1)
        {
            failures.Add($"{key}:NumParallel must be at least 1 (was {options.NumParallel}).");
        }

        if (options.StartupTimeout <= TimeSpan.Zero || options.StopGracePeriod < TimeSpan.Zero || options.RestartDelay < TimeSpan.Zero || options.MaxRestartDelay < options.RestartDelay)
        {
            failures.Add($"{key}: StartupTimeout must be positive, StopGracePeriod and RestartDelay not negative, MaxRestartDelay at least RestartDelay.");
        }

        if (options.InstallArchive is not null && string.IsNullOrWhiteSpace(options.InstallSha256))
        {
            failures.Add($"{key}:InstallSha256 is required with InstallArchive; an unverified binary is never installed.");
        }

        if (options.Client is null)
        {
            failures.Add($"{key}:Client must be set.");
        }
        else
        {
            failures.AddRange(OllamaBackendOptionsValidator.Failures($"{key}:Client", options.Client, checkEndpoints: false));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws when the options of backend <paramref name="id"/> are out of range, with the message configuration validation gives.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names its key.</exception>
    public static void ThrowIfInvalid(string id, OllamaEmbeddedBackendOptions options)
    {
        var result = new OllamaEmbeddedBackendOptionsValidator().Validate(id, options);
        if (result.Failed)
        {
            throw new ArgumentException(result.FailureMessage, nameof(options));
        }
    }
}
