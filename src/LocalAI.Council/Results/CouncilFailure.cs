namespace LocalAI.Council;

/// <summary>Something that failed during a session without stopping it (or, for the last one, that stopped it).</summary>
/// <param name="Stage">The stage.</param>
/// <param name="AgentId">Who failed.</param>
/// <param name="Model">Its model name.</param>
/// <param name="Error">The real error message.</param>
/// <param name="ErrorType">The exception type, when an exception was the cause.</param>
public sealed record CouncilFailure(CouncilStage Stage, string AgentId, string Model, string Error, string? ErrorType);
