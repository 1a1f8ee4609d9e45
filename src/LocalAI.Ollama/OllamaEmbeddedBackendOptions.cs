namespace LocalAI.Ollama;

/// <summary>Settings of an Ollama server the SDK runs itself (<c>ollama serve</c> as a child process), bound from <c>LocalAI:&lt;id&gt;</c> (<c>LocalAI:ollama-embedded</c> by default).</summary>
public sealed class OllamaEmbeddedBackendOptions
{
    /// <summary>Gets or sets the <c>ollama</c> binary; <see langword="null"/> looks in the application's folder, then on <c>PATH</c>, then installs from <see cref="InstallArchive"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? BinaryPath { get; set; }

    /// <summary>Gets or sets an Ollama release archive (<c>.tgz</c>, <c>.tar.gz</c>, <c>.zip</c>) or bare binary to install when none is found: an <c>http(s)</c> address or a local file.</summary>
    /// <value>The default value is <see langword="null"/>: no installation.</value>
    public string? InstallArchive { get; set; }

    /// <summary>Gets or sets the SHA-256 of <see cref="InstallArchive"/> in hex; required for installing, and checked before anything is extracted.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? InstallSha256 { get; set; }

    /// <summary>Gets or sets where installed binaries go (one sub-folder per archive checksum).</summary>
    /// <value>The default value is <c>%LOCALAPPDATA%/LocalAI/ollama</c> (<c>~/.local/share/LocalAI/ollama</c> on Linux).</value>
    public string InstallDirectory { get; set; } = Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.LocalApplicationData), "LocalAI", "ollama");

    /// <summary>Gets or sets the loopback port to serve on; 0 picks a free one.</summary>
    /// <value>The default value is 0.</value>
    public int Port { get; set; }

    /// <summary>Gets or sets a value indicating whether an Ollama already answering on <see cref="Port"/> (when not 0) is used instead of starting another.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool AdoptExisting { get; set; } = true;

    /// <summary>Gets or sets where models are stored (<c>OLLAMA_MODELS</c>); <see langword="null"/> for Ollama's default.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ModelsDirectory { get; set; }

    /// <summary>Gets or sets how many requests the server runs at once (<c>OLLAMA_NUM_PARALLEL</c>); also the client's per-endpoint limit.</summary>
    /// <value>The default value is 4.</value>
    public int NumParallel { get; set; } = 4;

    /// <summary>Gets or sets how many models the server keeps loaded (<c>OLLAMA_MAX_LOADED_MODELS</c>); <see langword="null"/> for Ollama's default.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? MaxLoadedModels { get; set; }

    /// <summary>Gets or sets how long an idle model stays loaded (<c>OLLAMA_KEEP_ALIVE</c>); <see langword="null"/> for Ollama's default.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? KeepAlive { get; set; }

    /// <summary>Gets extra environment variables for the server process (for example <c>CUDA_VISIBLE_DEVICES</c>).</summary>
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets how long the server may take to answer after it starts.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long the server may take to exit after the terminate signal before it is killed.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan StopGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the wait before the first restart after a crash; doubled after each further crash up to <see cref="MaxRestartDelay"/>.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest wait between restarts.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many crashes in a row are restarted before the server is left down.</summary>
    /// <value>The default value is 10.</value>
    public int MaxRestarts { get; set; } = 10;

    /// <summary>Gets or sets the client settings (models, context size, timeouts) of the backend over the embedded server, bound from <c>LocalAI:&lt;id&gt;:Client</c>; its endpoints are ignored.</summary>
    /// <value>The default value is the defaults of <see cref="OllamaBackendOptions"/>.</value>
    public OllamaBackendOptions Client { get; set; } = new();
}
