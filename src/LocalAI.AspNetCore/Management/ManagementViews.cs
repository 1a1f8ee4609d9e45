namespace LocalAI.AspNetCore;

/// <summary>Maps the SDK's types onto the management endpoints' views.</summary>
internal static class ManagementViews
{
    private static readonly BackendCapabilities[] AllCapabilities = Enum.GetValues<BackendCapabilities>();

    /// <summary>Returns the lower-case names of the flags set, for example <c>["chat", "streaming"]</c>.</summary>
    public static IReadOnlyList<string> Names(BackendCapabilities capabilities) =>
        [.. AllCapabilities.Where(c => c != BackendCapabilities.None && capabilities.HasFlag(c)).Select(c => c.ToString().ToLowerInvariant())];

    public static ModelView ToView(LocalModelInfo model) => new(
        model.Id,
        model.BackendId,
        model.IsInstalled,
        model.IsLoaded,
        model.SizeBytes,
        model.Family,
        model.ParameterSize,
        model.Quantization,
        model.ContextLength,
        model.EmbeddingDimensions,
        Names(model.Capabilities));

    public static PullProgressView ToView(ModelDownloadProgress progress, double percent) => new(
        progress.Model,
        progress.Status,
        percent,
        progress.BytesCompleted,
        progress.BytesTotal,
        progress.IsCompleted,
        progress.PartsCompleted,
        progress.PartsTotal);

    public static ManagementError ToError(Exception exception) => new(exception.Message, exception.GetType().Name);
}
