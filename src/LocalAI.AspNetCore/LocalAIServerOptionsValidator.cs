using Microsoft.Extensions.Options;

namespace LocalAI.AspNetCore;

/// <summary>Validates <see cref="LocalAIServerOptions"/> once at start, naming the configuration key of each bad value.</summary>
internal sealed class LocalAIServerOptionsValidator : IValidateOptions<LocalAIServerOptions>
{
    private const string Prefix = LocalAIServerOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, LocalAIServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ApiKey is { Length: > 0 } key && (key.Length < 16 || key.Any(char.IsWhiteSpace)))
        {
            failures.Add($"{Prefix}ApiKey must be at least 16 characters without white space (was {key.Length} characters); leave it empty to require no key.");
        }

        if (options.MaxRequestBodyBytes <= 0)
        {
            failures.Add($"{Prefix}MaxRequestBodyBytes must be positive (was {options.MaxRequestBodyBytes}).");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Prefix}RequestTimeout must be positive (was {options.RequestTimeout}).");
        }

        if (options.MaxEmbeddingInputs <= 0)
        {
            failures.Add($"{Prefix}MaxEmbeddingInputs must be positive (was {options.MaxEmbeddingInputs}).");
        }

        if (options.MaxWebSocketMessageBytes < 1024)
        {
            failures.Add($"{Prefix}MaxWebSocketMessageBytes must be at least 1024 (was {options.MaxWebSocketMessageBytes}).");
        }

        if (options.CorsOrigins is null)
        {
            failures.Add($"{Prefix}CorsOrigins must not be null.");
        }
        else
        {
            for (var i = 0; i < options.CorsOrigins.Count; i++)
            {
                var origin = options.CorsOrigins[i];
                if (origin != "*" && !Uri.TryCreate(origin, UriKind.Absolute, out _))
                {
                    failures.Add($"{Prefix}CorsOrigins:{i} must be an absolute origin such as http://localhost:5173, or * (was '{origin}').");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
