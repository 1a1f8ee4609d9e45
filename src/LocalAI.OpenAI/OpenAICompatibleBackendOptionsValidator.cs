using Microsoft.Extensions.Options;

namespace LocalAI.OpenAI;

/// <summary>Validates <see cref="OpenAICompatibleBackendOptions"/>; the options name is the backend id, so each message names its configuration key.</summary>
internal sealed class OpenAICompatibleBackendOptionsValidator : IValidateOptions<OpenAICompatibleBackendOptions>
{
    public ValidateOptionsResult Validate(string? name, OpenAICompatibleBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Failures($"LocalAI:{name ?? OpenAICompatibleBackend.DefaultId}", options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws when the options under <paramref name="key"/> (for example <c>LocalAI:openai</c>) are out of range, with the message configuration validation gives.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names its key.</exception>
    public static void ThrowIfInvalid(string key, OpenAICompatibleBackendOptions options)
    {
        var failures = Failures(key, options);
        if (failures.Count > 0)
        {
            throw new ArgumentException(ValidateOptionsResult.Fail(failures).FailureMessage, nameof(options));
        }
    }

    /// <summary>Lists what is out of range in <paramref name="options"/>, each message starting with <paramref name="key"/>.</summary>
    public static List<string> Failures(string key, OpenAICompatibleBackendOptions options)
    {
        var failures = new List<string>();
        if (options.GenerationTimeout <= TimeSpan.Zero || options.ConnectTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{key}:GenerationTimeout and {key}:ConnectTimeout must be positive (were {options.GenerationTimeout} and {options.ConnectTimeout}).");
        }

        if (options.DefaultModel is { } chat && string.IsNullOrWhiteSpace(chat))
        {
            failures.Add($"{key}:DefaultModel must not be empty; leave it unset to use the server's only model.");
        }

        if (options.EmbeddingModel is { } embedding && string.IsNullOrWhiteSpace(embedding))
        {
            failures.Add($"{key}:EmbeddingModel must not be empty; leave it unset to use the server's only model.");
        }

        if (!options.CheckModels && (options.DefaultModel is null || options.EmbeddingModel is null))
        {
            failures.Add($"{key}:DefaultModel and {key}:EmbeddingModel must be set when {key}:CheckModels is false (the server's model list is not read).");
        }

        if (options.EmbeddingDimensions is < 1)
        {
            failures.Add($"{key}:EmbeddingDimensions must be positive (was {options.EmbeddingDimensions}).");
        }

        if (options.ApiKey is { Length: 0 })
        {
            failures.Add($"{key}:ApiKey must not be empty; leave it unset for a server without a key.");
        }

        if (options.HealthPath is { } health && (health.Length == 0 || health[0] != '/'))
        {
            failures.Add($"{key}:HealthPath must start with '/' (was '{health}').");
        }

        if (options.MaxConcurrentRequestsPerEndpoint < 1)
        {
            failures.Add($"{key}:MaxConcurrentRequestsPerEndpoint must be at least 1 (was {options.MaxConcurrentRequestsPerEndpoint}).");
        }

        if (options.EndpointRetryDelay < TimeSpan.Zero)
        {
            failures.Add($"{key}:EndpointRetryDelay must not be negative (was {options.EndpointRetryDelay}).");
        }

        var endpoints = options.Endpoints ?? [];
        var setting = endpoints.Count > 0 ? "Endpoints" : "Endpoint";
        foreach (var endpoint in endpoints.Count > 0 ? endpoints : [options.Endpoint])
        {
            if (endpoint is null || !endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{key}:{setting} '{endpoint}' must be an absolute http or https address, such as http://127.0.0.1:8080/v1.");
            }
        }

        foreach (var twice in endpoints.Where(e => e is not null).GroupBy(e => e.ToString(), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            failures.Add($"{key}:Endpoints lists '{twice.Key}' {twice.Count()} times; list each server once.");
        }

        return failures;
    }
}
