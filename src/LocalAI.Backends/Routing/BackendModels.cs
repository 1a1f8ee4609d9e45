namespace LocalAI;

/// <summary>One backend's entry in <see cref="BackendManager.ListAllModelsAsync"/>: its status, every model it lists (installed and from its catalog) and the installed ones.</summary>
/// <param name="Info">The backend's status (cached while fresh).</param>
/// <param name="Models">Every model the backend lists, installed or available to download; empty when listing failed.</param>
/// <param name="Installed">The installed models among <paramref name="Models"/>.</param>
/// <param name="Error">Why listing failed, in words a user can act on; <see langword="null"/> when it worked.</param>
public sealed record BackendModels(BackendStatus Info, IReadOnlyList<LocalModelInfo> Models, IReadOnlyList<LocalModelInfo> Installed, string? Error);
