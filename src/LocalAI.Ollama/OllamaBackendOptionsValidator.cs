using Microsoft.Extensions.Options;

namespace LocalAI.Ollama;

/// <summary>Validates <see cref="OllamaBackendOptions"/>; the options name is the backend id, so each message names its configuration key.</summary>
internal sealed class OllamaBackendOptionsValidator : IValidateOptions<OllamaBackendOptions>
{
    public ValidateOptionsResult Validate(string? name, OllamaBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Failures($"LocalAI:{name ?? OllamaBackend.DefaultId}", options, checkEndpoints: true);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws when the options under <paramref name="key"/> (for example <c>LocalAI:ollama</c>) are out of range, with the message configuration validation gives.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names its key.</exception>
    public static void ThrowIfInvalid(string key, OllamaBackendOptions options)
    {
        var failures = Failures(key, options, checkEndpoints: true);
        if (failures.Count > 0)
        {
            throw new ArgumentException(ValidateOptionsResult.Fail(failures).FailureMessage, nameof(options));
        }
    }

    /// <summary>Lists what is out of range in <paramref name="options"/>, each message starting with <paramref name="key"/> (for example <c>LocalAI:ollama</c>).</summary>
    /// <param name="key">The configuration key of the options.</param>
    /// <param name="options">The options.</param>
    /// <param name="checkEndpoints"><see langword="false"/> where the endpoints are not used (the embedded server's client settings).</param>
    public static List<string> Failures(string key, OllamaBackendOptions options, bool checkEndpoints)
    {
        var failures = new List<string>();
        if (options.MaxConcurrentRequestsPerEndpoint < 1)
        {
            failures.Add($"{key}:MaxConcurrentRequestsPerEndpoint must be at least 1 (was {options.MaxConcurrentRequestsPerEndpoint}).");
        }

        if (options.GenerationTimeout <= TimeSpan.Zero || options.ConnectTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{key}:GenerationTimeout and {key}:ConnectTimeout must be positive (were {options.GenerationTimeout} and {options.ConnectTimeout}).");
        }

        if (options.ContextSize is < 1)
        {
            failures.Add($"{key}:ContextSize must be positive (was {options.ContextSize}).");
        }

        if (checkEndpoints)
        {
            foreach (var endpoint in options.ResolveEndpoints())
            {
                if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
                {
                    failures.Add($"{key}: endpoint '{endpoint}' must be an absolute http or https address.");
                }
            }
        }

        return failures;
    }
}
