namespace LocalAI.Mlx;

/// <summary>Error codes the sidecar sends.</summary>
internal static class SidecarErrorCodes
{
    public const string Cancelled = "cancelled";
    public const string ModelNotFound = "model_not_found";
    public const string ModuleMissing = "module_missing";
}
