namespace LocalAI.AspNetCore;

/// <summary>The <c>stream_options</c> of a chat completions request.</summary>
internal sealed class StreamOptionsRequest
{
    public bool? IncludeUsage { get; set; }
}
