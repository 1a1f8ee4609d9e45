namespace LocalAI.AspNetCore;

/// <summary>An error event of a management stream, or the body of a failed management request.</summary>
/// <param name="Message">What went wrong and what to do.</param>
/// <param name="Type">The exception family's name for it (for example <c>ModelNotFoundException</c>).</param>
public sealed record ManagementError(string Message, string Type);
