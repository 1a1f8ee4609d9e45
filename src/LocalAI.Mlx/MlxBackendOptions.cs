namespace LocalAI.Mlx;

/// <summary>Options of the MLX backend, bound from the <c>LocalAI:&lt;id&gt;</c> configuration section (<c>LocalAI:mlx</c> by default).</summary>
public sealed class MlxBackendOptions
{
    /// <summary>Gets or sets the Python interpreter that runs the sidecar.</summary>
    /// <value>The default value is <see langword="null"/>: <see cref="VirtualEnvironment"/>, then <c>$VIRTUAL_ENV</c>, then a <c>.venv</c> folder beside the app or in the current directory, then <c>python3</c> or <c>python</c> on <c>PATH</c>.</value>
    public string? PythonPath { get; set; }

    /// <summary>Gets or sets a virtual environment folder whose interpreter runs the sidecar, when <see cref="PythonPath"/> is not set.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? VirtualEnvironment { get; set; }

    /// <summary>Gets or sets the path of <c>mlx_server.py</c>.</summary>
    /// <value>The default value is <see langword="null"/>: <c>mlx_server.py</c> beside the app's binaries, where the package puts it.</value>
    public string? ServerScriptPath { get; set; }

    /// <summary>Gets or sets a value indicating whether the sidecar may run on platforms other than macOS on Apple Silicon, with engines that do not need MLX (for example <c>sentence_transformers</c>, or a custom <see cref="Engine"/>).</summary>
    /// <value>The default value is <see langword="false"/>: elsewhere the backend reports itself unavailable.</value>
    public bool AllowNonApplePlatforms { get; set; }

    /// <summary>Gets or sets a custom engine for the sidecar as <c>module:Class</c> (passed as <c>--engine</c>).</summary>
    /// <value>The default value is <see langword="null"/>: the built-in engine that picks <c>mlx_lm</c>, <c>mlx_embeddings</c> or <c>sentence_transformers</c>, and <c>mlx_vlm</c> per request.</value>
    public string? Engine { get; set; }

    /// <summary>Gets the folders added to the sidecar's <c>sys.path</c> before the engine module is imported.</summary>
    /// <value>The default value is empty.</value>
    public IList<string> EnginePaths { get; } = [];

    /// <summary>Gets the options passed to the engine's constructor (for the built-in engine: <c>device</c>, <c>embeddings_engine</c>).</summary>
    /// <value>The default value is empty.</value>
    public IDictionary<string, string> EngineOptions { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the chat model used when a request names none.</summary>
    /// <value>The default value is <c>mlx-community/Llama-3.2-3B-Instruct-4bit</c>.</value>
    public string ChatModel { get; set; } = "mlx-community/Llama-3.2-3B-Instruct-4bit";

    /// <summary>Gets or sets the embedding model used when a request names none.</summary>
    /// <value>The default value is <c>sentence-transformers/all-MiniLM-L6-v2</c>.</value>
    public string EmbeddingModel { get; set; } = "sentence-transformers/all-MiniLM-L6-v2";

    /// <summary>Gets or sets the dimensions of <see cref="EmbeddingModel"/>, declared in the generator's metadata so the router can match embedding models.</summary>
    /// <value>The default value is 384.</value>
    public int EmbeddingDimensions { get; set; } = 384;

    /// <summary>Gets or sets the vision model used when a message carries an image and the request names no model.</summary>
    /// <value>The default value is <c>mlx-community/pixtral-12b-4bit</c>.</value>
    public string VisionModel { get; set; } = "mlx-community/pixtral-12b-4bit";

    /// <summary>Gets or sets how embedding vectors travel from the sidecar.</summary>
    /// <value>The default value is <see cref="MlxEmbeddingEncoding.Base64"/>.</value>
    public MlxEmbeddingEncoding EmbeddingEncoding { get; set; } = MlxEmbeddingEncoding.Base64;

    /// <summary>Gets or sets how many models the sidecar keeps loaded; loading one more unloads the least recently used.</summary>
    /// <value>The default value is 2.</value>
    public int MaxLoadedModels { get; set; } = 2;

    /// <summary>Gets or sets how long one whole request (a streamed chat included) may take.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how long the sidecar may take from process start to its ready line.</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how long a graceful shutdown may take before the process is killed.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the delay before restarting a sidecar that died again right after a restart; it doubles with each further crash.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan RestartBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest delay before a restart.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan MaxRestartBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest request line the sidecar accepts; a longer one fails with an error, the server lives on.</summary>
    /// <value>The default value is 16 MiB.</value>
    public int MaxRequestLineBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Gets or sets how configuration changes the built-in catalog of MLX models, which <see cref="MlxBackend.ListModelsAsync"/> lists when the sidecar does not and whose descriptions, tags and roles it adds to those the sidecar lists.</summary>
    /// <value>The default value is the built-in catalog unchanged.</value>
    public ModelCatalogOptions Catalog { get; set; } = new();
}
