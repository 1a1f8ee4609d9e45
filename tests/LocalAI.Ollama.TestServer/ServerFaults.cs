namespace LocalAI.Ollama.TestServer;

/// <summary>Faults the test server injects into /api/chat, /api/generate, /api/embed, /api/pull and /api/show; set by tests in the same process.</summary>
public sealed class ServerFaults
{
    /// <summary>Gets or sets an HTTP status to answer with (with Ollama's <c>{"error": ...}</c> body) instead of serving.</summary>
    public int? StatusCode { get; set; }

    /// <summary>Gets or sets the <c>error</c> text of the body sent with <see cref="StatusCode"/>, and of the line sent at <see cref="ErrorLineAfterTokens"/>.</summary>
    public string ErrorMessage { get; set; } = "simulated failure";

    /// <summary>Gets or sets the number of tokens after which a streamed <c>{"error": ...}</c> line ends the stream (0: as its first line).</summary>
    public int? ErrorLineAfterTokens { get; set; }

    /// <summary>Gets or sets the number of tokens after which the connection is dropped (EOF in the middle of the stream).</summary>
    public int? EofAfterTokens { get; set; }

    /// <summary>Gets or sets the number of tokens after which a line that is not JSON is sent.</summary>
    public int? MalformedLineAfterTokens { get; set; }

    /// <summary>Gets or sets a value indicating whether the stream ends cleanly but without its <c>done</c> line.</summary>
    public bool EndWithoutDone { get; set; }

    /// <summary>Gets or sets what the server awaits before it sends anything (a slow first byte); gets the request's abort token.</summary>
    public Func<CancellationToken, Task>? BeforeResponse { get; set; }

    /// <summary>Gets or sets what the server awaits before token N (0-based) of a stream (a stalled or paced stream).</summary>
    public Func<int, CancellationToken, Task>? BeforeToken { get; set; }

    /// <summary>Gets or sets what the server awaits before it answers /api/show; gets the request's abort token.</summary>
    public Func<CancellationToken, Task>? BeforeShow { get; set; }

    /// <summary>Gets or sets what the server awaits before progress step N of a pull.</summary>
    public Func<int, CancellationToken, Task>? BeforePullStep { get; set; }
}
