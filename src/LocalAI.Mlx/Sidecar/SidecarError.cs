namespace LocalAI.Mlx;

/// <summary>The <c>error</c> object of a failed request.</summary>
internal sealed class SidecarError
{
    public string? Code { get; set; }

    public string? Message { get; set; }
}
