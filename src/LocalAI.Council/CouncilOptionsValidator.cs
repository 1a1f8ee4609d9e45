using Microsoft.Extensions.Options;

namespace LocalAI.Council;

/// <summary>Checks <see cref="CouncilOptions"/> once, at start; every message names its configuration key under <c>LocalAI:Council</c>.</summary>
internal sealed class CouncilOptionsValidator : IValidateOptions<CouncilOptions>
{
    private const string Key = "LocalAI:" + CouncilOptions.SectionName + ":";

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, CouncilOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Failures(options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws when the options are not valid, with the messages the validator gives at start.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">The options are not valid; the message lists every problem.</exception>
    public static void ThrowIfInvalid(CouncilOptions options)
    {
        var failures = Failures(options).ToList();
        if (failures.Count > 0)
        {
            throw new ArgumentException("The council options are invalid: " + string.Join(" ", failures), nameof(options));
        }
    }

    private static IEnumerable<string> Failures(CouncilOptions options)
    {
        if (options.Agents is null || options.Agents.Count == 0)
        {
            yield return $"{Key}Agents is empty; add at least one agent (a Model, with a Backend or a Client, or none for the router).";
        }
        else if (options.Agents.Any(a => a is null))
        {
            yield return $"{Key}Agents contains a null entry.";
        }

        if (options.Quorum < 1)
        {
            yield return $"{Key}Quorum is {options.Quorum}; it must be at least 1.";
        }

        if (options.GenerationTimeout <= TimeSpan.Zero && options.GenerationTimeout != Timeout.InfiniteTimeSpan)
        {
            yield return $"{Key}GenerationTimeout is {options.GenerationTimeout}; it must be positive.";
        }

        if (options.DefaultConcurrencyLimit < 0)
        {
            yield return $"{Key}DefaultConcurrencyLimit is {options.DefaultConcurrencyLimit}; use 0 for no limit or a positive number.";
        }

        foreach (var (endpoint, limit) in options.ConcurrencyLimits ?? new Dictionary<string, int>())
        {
            if (limit < 1)
            {
                yield return $"{Key}ConcurrencyLimits:{endpoint} is {limit}; it must be at least 1.";
            }
        }
    }
}
