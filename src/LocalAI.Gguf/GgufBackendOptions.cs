namespace LocalAI.Gguf;

/// <summary>Options of the in-process llama.cpp backend, bound from the <c>LocalAI:&lt;id&gt;</c> configuration section (<c>LocalAI:gguf</c> by default).</summary>
public sealed class GgufBackendOptions
{
    /// <summary>Gets or sets the chat model served when a request names none.</summary>
    /// <value>The default value is <see langword="null"/> (requests must name a model in <see cref="ModelsDirectory"/>).</value>
    public string? ModelPath { get; set; }

    /// <summary>Gets or sets the embedding model (a BERT-family GGUF) served by the embedding generator.</summary>
    /// <value>The default value is <see langword="null"/> (no embeddings).</value>
    public string? EmbeddingModelPath { get; set; }

    /// <summary>Gets or sets a folder of .gguf files that <c>ListModelsAsync</c> lists and requests can name by file name.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ModelsDirectory { get; set; }

    /// <summary>Gets or sets the hub GGUF files are downloaded from into <see cref="ModelsDirectory"/> (endpoint, token, offline mode, revision).</summary>
    /// <value>The default value is the public Hub, with <c>HF_ENDPOINT</c>, <c>HF_TOKEN</c> and <c>HF_HUB_OFFLINE</c> honoured.</value>
    public HuggingFaceOptions HuggingFace { get; set; } = new();

    /// <summary>Gets or sets how configuration changes the built-in catalog of GGUF models (listed when not installed, downloaded by id).</summary>
    /// <value>The default value is the built-in catalog unchanged.</value>
    public ModelCatalogOptions Catalog { get; set; } = new();

    /// <summary>Gets or sets the folder holding libllama and libggml; else <c>LOCALAI_GGUF_NATIVE_PATH</c>, then the app's <c>runtimes/&lt;rid&gt;/native</c>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? NativeLibraryPath { get; set; }

    /// <summary>Gets or sets the number of CPU threads per request for generation and prompt processing.</summary>
    /// <value>The default value is half the processor count, at least 1 and at most 8 (ggml workers busy-wait, so more threads than cores is slower).</value>
    public int Threads { get; set; } = Math.Clamp(Environment.ProcessorCount / 2, 1, 8);

    /// <summary>Gets or sets the context size in tokens of each request's context; capped at the model's trained context length.</summary>
    /// <value>The default value is 4096.</value>
    public int ContextSize { get; set; } = 4096;

    /// <summary>Gets or sets the batch size: how many prompt tokens one decode call processes.</summary>
    /// <value>The default value is 512.</value>
    public int BatchSize { get; set; } = 512;

    /// <summary>Gets or sets how many requests run at once per model, each in its own context; more wait.</summary>
    /// <value>The default value is 2.</value>
    public int MaxParallelRequests { get; set; } = 2;

    /// <summary>Gets or sets the output token limit of requests that set no <c>MaxOutputTokens</c>.</summary>
    /// <value>The default value is 512.</value>
    public int DefaultMaxOutputTokens { get; set; } = 512;

    /// <summary>Gets or sets a value indicating whether the KV cache of a prompt prefix shared with an earlier request is reused.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool EnablePrefixCache { get; set; } = true;

    /// <summary>Gets or sets the chat template used when the model file has none or llama.cpp does not recognise its own.</summary>
    /// <value>The default value is <c>chatml</c>.</value>
    public string FallbackChatTemplate { get; set; } = "chatml";

    /// <summary>
    /// Gets or sets a value indicating whether a model file is first opened in a child process (the verifier app): it loads the file,
    /// creates a context, decodes a few tokens and embeds a text where the model is an embedder. A file that makes llama.cpp abort
    /// ends the child, and the request fails with <see cref="InvalidModelFileException"/> naming the signal and llama.cpp's last line.
    /// </summary>
    /// <value>The default value is <see langword="false"/> (files are checked in managed code only). Needs the <c>LocalAI.Gguf.Verifier</c> package.</value>
    /// <remarks>The verdict is kept by content hash in <see cref="VerificationCacheDirectory"/>, so each file costs one child run.</remarks>
    public bool VerifyInChildProcess { get; set; }

    /// <summary>Gets or sets the folder where <see cref="VerifyInChildProcess"/> keeps its verdicts, one small file per model content hash.</summary>
    /// <value>The default value is <see langword="null"/>: <c>LocalAI/gguf-verified</c> under the user's local application data folder.</value>
    public string? VerificationCacheDirectory { get; set; }

    /// <summary>Gets or sets the path of the verifier app's assembly, <c>LocalAI.Gguf.Verifier.dll</c>.</summary>
    /// <value>The default value is <see langword="null"/>: the one beside the app.</value>
    public string? VerifierPath { get; set; }

    /// <summary>Gets or sets how long the verifier may take over one file before it is killed and the file refused.</summary>
    /// <value>The default value is 2 minutes; at least 1 second.</value>
    public TimeSpan VerificationTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
