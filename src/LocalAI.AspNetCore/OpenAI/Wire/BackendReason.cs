namespace LocalAI.AspNetCore;

/// <summary>Why one backend did not serve a request.</summary>
/// <param name="Backend">The backend id.</param>
/// <param name="Reason">The reason.</param>
internal sealed record BackendReason(string Backend, string Reason);
