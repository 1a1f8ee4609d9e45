namespace LocalAI.AspNetCore;

/// <summary>One council member of a <see cref="CouncilSessionRequest"/>: a backend and, optionally, one of its models.</summary>
/// <param name="Backend">The backend id.</param>
/// <param name="Model">The model; <see langword="null"/> for the backend's default.</param>
public sealed record CouncilAgentRequest(string? Backend, string? Model);
