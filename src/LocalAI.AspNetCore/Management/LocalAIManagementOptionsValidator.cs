using Microsoft.Extensions.Options;

namespace LocalAI.AspNetCore;

/// <summary>Validates <see cref="LocalAIManagementOptions"/> once, at start.</summary>
internal sealed class LocalAIManagementOptionsValidator : IValidateOptions<LocalAIManagementOptions>
{
    public ValidateOptionsResult Validate(string? name, LocalAIManagementOptions options)
    {
        var failures = new List<string>();
        if (options.StatusRefreshInterval <= TimeSpan.Zero)
        {
            failures.Add($"{LocalAIManagementOptions.SectionName}:StatusRefreshInterval must be positive (was {options.StatusRefreshInterval}).");
        }

        if (options.PullProgressBuffer < 1)
        {
            failures.Add($"{LocalAIManagementOptions.SectionName}:PullProgressBuffer must be at least 1 (was {options.PullProgressBuffer}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
