namespace LocalAI;

/// <summary>One backend the router considered for a request, and why it did not serve it.</summary>
/// <param name="BackendId">The backend.</param>
/// <param name="Reason">Why it was skipped or how it failed.</param>
/// <param name="Exception">The failure, when the backend was tried and failed.</param>
public sealed record BackendAttempt(string BackendId, string Reason, Exception? Exception = null);
