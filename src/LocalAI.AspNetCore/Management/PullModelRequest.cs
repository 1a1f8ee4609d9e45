namespace LocalAI.AspNetCore;

/// <summary>The body of <c>POST .../models/pull</c>: which backend pulls which model.</summary>
/// <param name="Backend">The backend id.</param>
/// <param name="Model">The model, as the backend names it.</param>
public sealed record PullModelRequest(string? Backend, string? Model);
