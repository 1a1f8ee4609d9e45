namespace LocalAI.Mlx;

/// <summary>A capability the sidecar cannot serve because a Python module is missing.</summary>
internal sealed class SidecarMissingModule
{
    public string? Capability { get; set; }

    public string? Pip { get; set; }
}
