namespace LocalAI.Mlx;

/// <summary>Token counts of a request.</summary>
internal sealed class SidecarUsage
{
    public int? PromptTokens { get; set; }

    public int? CompletionTokens { get; set; }
}
