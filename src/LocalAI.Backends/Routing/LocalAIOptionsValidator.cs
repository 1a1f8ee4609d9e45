using Microsoft.Extensions.Options;

namespace LocalAI;

/// <summary>Validates <see cref="LocalAIOptions"/> once at start, naming the configuration key of each bad value.</summary>
internal sealed class LocalAIOptionsValidator(IEnumerable<LocalBackendRegistration> registrations) : IValidateOptions<LocalAIOptions>
{
    private const string Prefix = LocalAIOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, LocalAIOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var ids = registrations.Select(r => r.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var known = ids.Count == 0 ? "none" : string.Join(", ", ids.Order(StringComparer.Ordinal));

        for (var i = 0; i < options.Priority.Count; i++)
        {
            if (!ids.Contains(options.Priority[i]))
            {
                failures.Add($"{Prefix}Priority:{i} names backend '{options.Priority[i]}', which is not registered (registered: {known}).");
            }
        }

        if (options.PreferredBackend is { } preferred && !ids.Contains(preferred))
        {
            failures.Add($"{Prefix}PreferredBackend names backend '{preferred}', which is not registered (registered: {known}).");
        }

        Positive(failures, "ProbeTimeout", options.ProbeTimeout);
        Positive(failures, "StatusCacheTtl", options.StatusCacheTtl);
        if (options.MaxWaitForRecovery < TimeSpan.Zero)
        {
            failures.Add($"{Prefix}MaxWaitForRecovery must not be negative (was {options.MaxWaitForRecovery}).");
        }

        var r = options.Resilience;
        if (r is null)
        {
            failures.Add($"{Prefix}Resilience must not be null.");
            return ValidateOptionsResult.Fail(failures);
        }

        Positive(failures, "Resilience:AttemptTimeout", r.AttemptTimeout);
        Positive(failures, "Resilience:FirstUpdateTimeout", r.FirstUpdateTimeout);
        if (r.RetryCount is < 0 or > 10)
        {
            failures.Add($"{Prefix}Resilience:RetryCount must be between 0 and 10 (was {r.RetryCount}).");
        }

        if (r.RetryCount > 0 && r.RetryDelay < TimeSpan.Zero)
        {
            failures.Add($"{Prefix}Resilience:RetryDelay must not be negative (was {r.RetryDelay}).");
        }

        if (r.FailureRatio is <= 0 or > 1 || double.IsNaN(r.FailureRatio))
        {
            failures.Add($"{Prefix}Resilience:FailureRatio must be greater than 0 and at most 1 (was {r.FailureRatio}).");
        }

        if (r.MinimumThroughput < 2)
        {
            failures.Add($"{Prefix}Resilience:MinimumThroughput must be at least 2 (was {r.MinimumThroughput}).");
        }

        AtLeastHalfSecond(failures, "Resilience:SamplingDuration", r.SamplingDuration);
        AtLeastHalfSecond(failures, "Resilience:BreakDuration", r.BreakDuration);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{Prefix}{key} must be positive (was {value}).");
        }
    }

    private static void AtLeastHalfSecond(List<string> failures, string key, TimeSpan value)
    {
        if (value < TimeSpan.FromMilliseconds(500))
        {
            failures.Add($"{Prefix}{key} must be at least 00:00:00.5 (was {value}).");
        }
    }
}
