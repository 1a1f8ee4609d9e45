namespace LocalAI.Mlx;

/// <summary>A model in the answer to <c>list_models</c>.</summary>
internal sealed class SidecarModel
{
    public string? Id { get; set; }

    public string? Kind { get; set; }

    public bool? Installed { get; set; }

    public bool? Loaded { get; set; }

    public long? SizeBytes { get; set; }

    public int? Dimensions { get; set; }
}
