using Microsoft.Extensions.Options;

namespace LocalAI.Council;

/// <summary>Validates <see cref="CouncilOptions"/> once, at start.</summary>
internal sealed class CouncilOptionsValidator : IValidateOptions<CouncilOptions>
{
    public ValidateOptionsResult Validate(string? name, CouncilOptions options)
    {
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static List<string> Check(CouncilOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Agents is null || options.Agents.Count == 0)
        {
            errors.Add("LocalAI:Council:Agents is empty; add at least one agent (a Model, with a Backend or a Client, or none for the router).");
        }
        else if (options.Agents.Any(a => a is null))
        {
            errors.Add("LocalAI:Council:Agents contains a null entry.");
        }

        if (options.Quorum < 1)
        {
            errors.Add($"LocalAI:Council:Quorum is {options.Quorum}; it must be at least 1.");
        }

        if (options.GenerationTimeout <= TimeSpan.Zero && options.GenerationTimeout != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"LocalAI:Council:GenerationTimeout is {options.GenerationTimeout}; it must be positive.");
        }

        if (options.DefaultConcurrencyLimit < 0)
        {
            errors.Add($"LocalAI:Council:DefaultConcurrencyLimit is {options.DefaultConcurrencyLimit}; use 0 for no limit or a positive number.");
        }

        foreach (var (endpoint, limit) in options.ConcurrencyLimits ?? new Dictionary<string, int>())
        {
            if (limit < 1)
            {
                errors.Add($"LocalAI:Council:ConcurrencyLimits:{endpoint} is {limit}; it must be at least 1.");
            }
        }

        return errors;
    }
}
