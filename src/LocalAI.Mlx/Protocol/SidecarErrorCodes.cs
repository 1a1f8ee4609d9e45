namespace LocalAI.Mlx.Protocol;

/// <summary>Error codes the sidecar sends.</summary>
internal static class SidecarErrorCodes
{
    public const string Cancelled = "cancelled";
    public const string ModelNotFound = "model_not_found";
    public const string ModuleMissing = "module_missing";
    public const string BadRequest = "bad_request";
    public const string LineTooLong = "line_too_long";
}
