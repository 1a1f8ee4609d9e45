namespace LocalAI.Ollama;

/// <summary>Settings of the Ollama backend, bound from the <c>LocalAI:&lt;id&gt;</c> configuration section (<c>LocalAI:ollama</c> by default).</summary>
public sealed class OllamaBackendOptions
{
    /// <summary>Gets or sets the Ollama server; ignored when <see cref="Endpoints"/> lists any.</summary>
    /// <value>The default value is <see langword="null"/>: <c>OLLAMA_HOST</c> when set, else <c>http://127.0.0.1:11434</c>.</value>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets several Ollama servers that share the load; requests go to the one with the fewest in flight.</summary>
    /// <value>The default value is empty: only <see cref="Endpoint"/>.</value>
    public IList<Uri> Endpoints { get; set; } = [];

    /// <summary>Gets or sets how many requests one endpoint serves at once; further requests wait. Match the server's <c>OLLAMA_NUM_PARALLEL</c>.</summary>
    /// <value>The default value is 4.</value>
    public int MaxConcurrentRequestsPerEndpoint { get; set; } = 4;

    /// <summary>Gets or sets how long an endpoint that refused a connection is skipped before it is tried again.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan EndpointRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the chat model used when a request names none.</summary>
    /// <value>The default value is <c>llama3.2</c>.</value>
    public string DefaultModel { get; set; } = "llama3.2";

    /// <summary>Gets or sets the embedding model.</summary>
    /// <value>The default value is <c>nomic-embed-text</c>.</value>
    public string EmbeddingModel { get; set; } = "nomic-embed-text";

    /// <summary>Gets or sets the dimensions of <see cref="EmbeddingModel"/>; <see langword="null"/> asks the server (<c>/api/show</c>) once, on the first embedding request.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? EmbeddingDimensions { get; set; }

    /// <summary>Gets or sets the context size in tokens sent as <c>num_ctx</c>; Ollama's own default is small and silently truncates long prompts.</summary>
    /// <value>The default value is 8192; <see langword="null"/> leaves the server's default.</value>
    public int? ContextSize { get; set; } = 8192;

    /// <summary>Gets or sets how long the server keeps a model loaded after a request, sent as <c>keep_alive</c>.</summary>
    /// <value>The default value is <see langword="null"/>: the server's default (5 minutes).</value>
    public TimeSpan? KeepAlive { get; set; }

    /// <summary>Gets or sets how long a whole non-streaming request may take, and how long a stream may go without a new token.</summary>
    /// <value>The default value is 120 seconds.</value>
    public TimeSpan GenerationTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Gets or sets how long opening a connection to the server may take.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets a value indicating whether the backend announces vision (images in chat messages).</summary>
    /// <value>The default value is <see langword="true"/>; the model must be a vision model.</value>
    public bool EnableVision { get; set; } = true;

    /// <summary>Gets or sets how configuration changes the built-in catalog of Ollama models, which <see cref="OllamaBackend.ListModelsAsync"/> lists when they are not installed and whose descriptions, tags and roles it adds to installed ones.</summary>
    /// <value>The default value is the built-in catalog unchanged.</value>
    public ModelCatalogOptions Catalog { get; set; } = new();

    /// <summary>Returns the endpoints in force: <see cref="Endpoints"/>, else <see cref="Endpoint"/>, else <c>OLLAMA_HOST</c>, else <c>http://127.0.0.1:11434</c>.</summary>
    /// <returns>At least one endpoint.</returns>
    internal IReadOnlyList<Uri> ResolveEndpoints()
    {
        if (Endpoints.Count > 0)
        {
            return [.. Endpoints];
        }

        return [Endpoint ?? OllamaHost.FromEnvironment() ?? OllamaHost.Default];
    }
}
