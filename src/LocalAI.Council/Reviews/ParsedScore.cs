namespace LocalAI.Council;

/// <summary>One entry of a parsed review, before de-anonymisation.</summary>
internal readonly record struct ParsedScore(string Label, double Score, string? Reasoning);
