namespace LocalAI.Mlx;

/// <summary>One line from the sidecar: an event (<see cref="Event"/> set) or the final answer to a request (<see cref="Success"/> set).</summary>
internal sealed class SidecarMessage
{
    public long? Id { get; set; }

    public bool? Success { get; set; }

    public string? Event { get; set; }

    public SidecarError? Error { get; set; }

    public string? Message { get; set; }

    public string? Text { get; set; }

    public string? Model { get; set; }

    public int? Version { get; set; }

    public string? Python { get; set; }

    public string? Engine { get; set; }

    public List<string>? Capabilities { get; set; }

    public List<SidecarMissingModule>? Missing { get; set; }

    public float[][]? Embeddings { get; set; }

    public string? Data { get; set; }

    public int? Dimensions { get; set; }

    public int? Count { get; set; }

    public SidecarUsage? Usage { get; set; }

    public string? FinishReason { get; set; }

    public List<SidecarModel>? Models { get; set; }

    public string? Status { get; set; }

    public string? File { get; set; }

    public long? Completed { get; set; }

    public long? Total { get; set; }

    public double? Percent { get; set; }

    public bool? Unloaded { get; set; }

    public bool IsFinal => Success is not null;
}
