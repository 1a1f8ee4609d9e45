namespace LocalAI.AspNetCore;

/// <summary>Options of the HTTP endpoints <c>MapLocalAI()</c> maps, bound from the <c>LocalAI:Server</c> configuration section.</summary>
public sealed class LocalAIServerOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "LocalAI:Server";

    /// <summary>Gets or sets the API key every endpoint requires as <c>Authorization: Bearer &lt;key&gt;</c>; <see langword="null"/> or empty requires none.</summary>
    /// <value>The default value is <see langword="null"/>: no key.</value>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the largest request body accepted, in bytes; larger bodies get 413.</summary>
    /// <value>The default value is 16 MiB (room for a few images as data URIs).</value>
    public long MaxRequestBodyBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Gets or sets how long one request may take, streaming included; when it passes the backend's generation is cancelled and the client gets 504 (or an error event when streaming).</summary>
    /// <value>The default value is 10 minutes.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets the most inputs one <c>/v1/embeddings</c> request may carry.</summary>
    /// <value>The default value is 2048, OpenAI's own limit.</value>
    public int MaxEmbeddingInputs { get; set; } = 2048;

    /// <summary>Gets or sets the origins allowed to call the endpoints from a browser (CORS); empty turns CORS off.</summary>
    /// <value>The default value is empty: CORS off.</value>
    public IList<string> CorsOrigins { get; set; } = [];

    /// <summary>Gets or sets the largest message a WebSocket client may send, in bytes.</summary>
    /// <value>The default value is 64 KiB.</value>
    public int MaxWebSocketMessageBytes { get; set; } = 64 * 1024;
}
