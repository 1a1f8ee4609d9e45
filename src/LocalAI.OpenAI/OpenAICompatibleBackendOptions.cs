namespace LocalAI.OpenAI;

/// <summary>Settings of an <see cref="OpenAICompatibleBackend"/>: where the OpenAI-compatible server is, its key, its models and the time limits.</summary>
public sealed class OpenAICompatibleBackendOptions
{
    /// <summary>The address llama.cpp's <c>llama-server</c> listens on by default, with the API's <c>/v1</c> path.</summary>
    public static readonly Uri DefaultEndpoint = new("http://127.0.0.1:8080/v1");

    /// <summary>Gets or sets the server's API base address, including its version path (for example <c>http://127.0.0.1:8080/v1</c>); ignored when <see cref="Endpoints"/> lists any.</summary>
    /// <value>The default value is <c>http://127.0.0.1:8080/v1</c> (llama-server's default port).</value>
    public Uri Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>Gets or sets several servers of one fleet (llama-server or vLLM replicas serving the same models) that share the load: each request goes to the one with the fewest in flight, and to the next when one fails before the first token.</summary>
    /// <value>The default value is empty: only <see cref="Endpoint"/>.</value>
    public IList<Uri> Endpoints { get; set; } = [];

    /// <summary>Gets or sets how many requests one endpoint serves at once; further requests wait for a slot. Match the server's parallel slots (llama-server <c>-np</c>, vLLM <c>--max-num-seqs</c>).</summary>
    /// <value>The default value is 4.</value>
    public int MaxConcurrentRequestsPerEndpoint { get; set; } = 4;

    /// <summary>Gets or sets how long an endpoint that failed (refused, 5xx, dropped or stalled before the first token) is passed over before it is tried again.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan EndpointRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the API key sent as <c>Authorization: Bearer</c>; <see langword="null"/> sends no authorization header.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the chat model used when a request names none, as the server names it in <c>/v1/models</c>.</summary>
    /// <value>The default value is <see langword="null"/>: the server's model when <c>/v1/models</c> lists exactly one (llama-server, a single vLLM model).</value>
    public string? DefaultModel { get; set; }

    /// <summary>Gets or sets the embedding model, as the server names it in <c>/v1/models</c>.</summary>
    /// <value>The default value is <see langword="null"/>: the server's model when <c>/v1/models</c> lists exactly one.</value>
    public string? EmbeddingModel { get; set; }

    /// <summary>Gets or sets a value indicating whether a model must be listed by <c>/v1/models</c> before a request is sent to it; llama-server otherwise answers a request for any name with its one model.</summary>
    /// <value>The default value is <see langword="true"/>; the list is read once and again when a model is missing from it.</value>
    public bool CheckModels { get; set; } = true;

    /// <summary>Gets or sets the dimensions of <see cref="EmbeddingModel"/>; <see langword="null"/> learns them from the first response.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? EmbeddingDimensions { get; set; }

    /// <summary>Gets or sets the server path, relative to the server's root, that answers 200 once a model is ready (llama-server and vLLM: <c>/health</c>); <see langword="null"/> probes <c>/v1/models</c> only.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? HealthPath { get; set; }

    /// <summary>Gets or sets how long a whole non-streaming request may take, and how long a stream may go without a new token.</summary>
    /// <value>The default value is 120 seconds.</value>
    public TimeSpan GenerationTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Gets or sets how long opening a connection to the server may take.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets a value indicating whether the backend announces vision (images in chat messages); the server's model must accept images.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool EnableVision { get; set; }

    /// <summary>Returns the endpoints in force: <see cref="Endpoints"/>, else <see cref="Endpoint"/>.</summary>
    /// <returns>At least one endpoint.</returns>
    internal IReadOnlyList<Uri> ResolveEndpoints() => Endpoints.Count > 0 ? [.. Endpoints] : [Endpoint];
}
