namespace LocalAI.AspNetCore;

/// <summary>The models of one backend, or why they could not be listed.</summary>
/// <param name="BackendId">The backend.</param>
/// <param name="CanDownload">Whether the backend can pull models (<c>POST .../models/pull</c>).</param>
/// <param name="CanDelete">Whether the backend can delete installed models.</param>
/// <param name="Error">Why the list could not be read; <see langword="null"/> when it was.</param>
/// <param name="Models">The models, empty when <paramref name="Error"/> is set.</param>
public sealed record ModelGroupView(
    string BackendId,
    bool CanDownload,
    bool CanDelete,
    string? Error,
    IReadOnlyList<ModelView> Models);
