namespace LocalAI.Onnx;

/// <summary>Options of the ONNX Runtime embedding backend, bound from the <c>LocalAI:&lt;id&gt;</c> configuration section (<c>LocalAI:onnx</c> for the default id).</summary>
public sealed class OnnxBackendOptions
{
    /// <summary>Gets or sets the folder of the default model: a sentence-transformers model exported to ONNX (<c>model.onnx</c> or <c>onnx/model.onnx</c>, and <c>tokenizer.json</c> or <c>vocab.txt</c>).</summary>
    /// <value>The default value is <see langword="null"/>: the first model folder found under <see cref="ModelsDirectory"/>.</value>
    public string? ModelPath { get; set; }

    /// <summary>Gets or sets the folder whose sub-folders are the models this backend lists and serves by name.</summary>
    /// <value>The default value is <see langword="null"/>: the parent folder of <see cref="ModelPath"/>.</value>
    public string? ModelsDirectory { get; set; }

    /// <summary>Gets or sets the name the default model is known by (the embedding model identity the router and vector stores record).</summary>
    /// <value>The default value is <see langword="null"/>: the name of the <see cref="ModelPath"/> folder, for example <c>all-MiniLM-L6-v2</c>.</value>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets the maximum number of tokens per text, special tokens included; longer texts are truncated and counted.</summary>
    /// <value>The default value is <see langword="null"/>: the model folder's <c>max_seq_length</c> (else <c>model_max_length</c>, else the model's position limit).</value>
    public int? MaxSequenceLength { get; set; }

    /// <summary>Gets or sets the pooling of token vectors into one sentence vector, for every model this backend loads.</summary>
    /// <value>The default value is <see langword="null"/>: the folder's <c>1_Pooling/config.json</c>, else <see cref="OnnxPoolingMode.Mean"/>.</value>
    public OnnxPoolingMode? Pooling { get; set; }

    /// <summary>Gets or sets whether sentence vectors are scaled to unit length, for every model this backend loads.</summary>
    /// <value>The default value is <see langword="null"/>: whether the folder's <c>modules.json</c> has a Normalize module, else <see langword="true"/>.</value>
    public bool? Normalize { get; set; }

    /// <summary>Gets or sets the largest number of texts run through the model at once; a batch is sorted by length and cut into sub-batches of this size, each padded only to its own longest text.</summary>
    /// <value>The default value is 32.</value>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>Gets or sets the number of threads ONNX Runtime uses inside one operator.</summary>
    /// <value>The default value is 0: ONNX Runtime's default (one per physical core).</value>
    public int IntraOpNumThreads { get; set; }

    /// <summary>Gets or sets the Hugging Face repository (<c>owner/name</c>) the default model is downloaded from into <see cref="ModelPath"/> when that folder has no ONNX file, through <see cref="HuggingFace"/> (endpoint, token, offline mode, revision): resumed after an interruption, checked against its SHA-256, and put in place whole.</summary>
    /// <value>The default value is <see langword="null"/>: the default model is not downloaded (unless <see cref="DownloadUrl"/> is set).</value>
    public string? DownloadRepository { get; set; }

    /// <summary>Gets or sets a hub address of the repository the default model comes from, <c>{endpoint}/{owner}/{name}</c> or <c>{endpoint}/{owner}/{name}/resolve/{revision}</c>; superseded by <see cref="DownloadRepository"/> (with <c>HuggingFace:Endpoint</c> for a mirror), and ignored when that is set.</summary>
    /// <value>The default value is <see langword="null"/>. An address of another shape (a plain folder of files) is refused at start: downloads need the hub's file metadata for their checksums and resumption.</value>
    public Uri? DownloadUrl { get; set; }

    /// <summary>Gets or sets the SHA-256 (hexadecimal) the downloaded ONNX file must have; a download with another checksum fails and installs nothing.</summary>
    /// <value>The default value is <see langword="null"/>: the SHA-256 the hub publishes for the file.</value>
    public string? DownloadSha256 { get; set; }

    /// <summary>Gets or sets the repository paths the default model's download fetches; the <c>.onnx</c> file is required, the others are skipped when the repository lacks them. The files keep their paths in <see cref="ModelPath"/>.</summary>
    /// <value>The default value is <see langword="null"/>: <c>onnx/model.onnx</c> (else <c>model.onnx</c>) with whichever of <c>tokenizer.json</c>, <c>vocab.txt</c>, <c>tokenizer_config.json</c>, <c>config.json</c>, <c>modules.json</c>, <c>sentence_bert_config.json</c>, <c>1_Pooling/config.json</c> the repository has.</value>
    public IList<string>? DownloadFiles { get; set; }

    /// <summary>Gets or sets the hub model folders are downloaded from into <see cref="ModelsDirectory"/> (endpoint, token, offline mode, revision).</summary>
    /// <value>The default value is the public Hub, with <c>HF_ENDPOINT</c>, <c>HF_TOKEN</c> and <c>HF_HUB_OFFLINE</c> honoured.</value>
    public HuggingFaceOptions HuggingFace { get; set; } = new();

    /// <summary>Gets or sets how configuration changes the built-in catalog of ONNX models (listed when not installed, downloaded by id).</summary>
    /// <value>The default value is the built-in catalog unchanged.</value>
    public ModelCatalogOptions Catalog { get; set; } = new();
}
