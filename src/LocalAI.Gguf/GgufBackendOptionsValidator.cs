using Microsoft.Extensions.Options;

namespace LocalAI.Gguf;

/// <summary>Checks <see cref="GgufBackendOptions"/> once, at start; the options name is the backend id, so each message names its configuration key.</summary>
internal sealed class GgufBackendOptionsValidator : IValidateOptions<GgufBackendOptions>
{
    /// <summary>The smallest context size accepted, in tokens.</summary>
    public const int MinContextSize = 16;

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, GgufBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Failures(string.IsNullOrEmpty(name) ? GgufBackend.DefaultId : name, options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws when the options of backend <paramref name="id"/> are not valid.</summary>
    /// <param name="id">The backend id, which names the configuration section in the message.</param>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">The options are not valid; the message lists every problem.</exception>
    public static void ThrowIfInvalid(string id, GgufBackendOptions options)
    {
        var failures = Failures(id, options).ToList();
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }
    }

    private static IEnumerable<string> Failures(string id, GgufBackendOptions options)
    {
        var key = $"LocalAI:{id}:";
        if (options.Threads < 1)
        {
            yield return $"{key}Threads is {options.Threads}; it must be at least 1.";
        }

        if (options.ContextSize < MinContextSize)
        {
            yield return $"{key}ContextSize is {options.ContextSize}; it must be at least {MinContextSize} tokens.";
        }

        if (options.BatchSize < 1)
        {
            yield return $"{key}BatchSize is {options.BatchSize}; it must be at least 1.";
        }

        if (options.MaxParallelRequests < 1)
        {
            yield return $"{key}MaxParallelRequests is {options.MaxParallelRequests}; it must be at least 1.";
        }

        if (options.DefaultMaxOutputTokens < 1)
        {
            yield return $"{key}DefaultMaxOutputTokens is {options.DefaultMaxOutputTokens}; it must be at least 1.";
        }

        if (options.VerificationTimeout < TimeSpan.FromSeconds(1))
        {
            yield return $"{key}VerificationTimeout is {options.VerificationTimeout}; it must be at least 1 second.";
        }
    }
}
