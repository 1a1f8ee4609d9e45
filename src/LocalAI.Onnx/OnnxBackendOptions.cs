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

    /// <summary>Gets or sets the address of a folder to download the default model from when <see cref="ModelPath"/> has no ONNX file (files are fetched as <c>{DownloadUrl}/{file}</c>).</summary>
    /// <value>The default value is <see langword="null"/>: nothing is ever downloaded.</value>
    public Uri? DownloadUrl { get; set; }

    /// <summary>Gets or sets the SHA-256 (hexadecimal) the downloaded <c>model.onnx</c> must have; a download with another checksum is deleted and fails.</summary>
    /// <value>The default value is <see langword="null"/>; it is required when <see cref="DownloadUrl"/> is set.</value>
    public string? DownloadSha256 { get; set; }

    /// <summary>Gets or sets the files fetched from <see cref="DownloadUrl"/>; <c>model.onnx</c> and one of <c>tokenizer.json</c> or <c>vocab.txt</c> must exist there, the others are skipped when the server answers 404.</summary>
    /// <value>The default value is <see langword="null"/>: <c>model.onnx</c>, <c>tokenizer.json</c>, <c>vocab.txt</c>, <c>tokenizer_config.json</c>, <c>config.json</c>, <c>modules.json</c>, <c>sentence_bert_config.json</c>, <c>1_Pooling/config.json</c>.</value>
    public IList<string>? DownloadFiles { get; set; }

    /// <summary>Gets or sets the hub model folders are downloaded from into <see cref="ModelsDirectory"/> (endpoint, token, offline mode, revision).</summary>
    /// <value>The default value is the public Hub, with <c>HF_ENDPOINT</c>, <c>HF_TOKEN</c> and <c>HF_HUB_OFFLINE</c> honoured.</value>
    public HuggingFaceOptions HuggingFace { get; set; } = new();

    /// <summary>Gets or sets how configuration changes the built-in catalog of ONNX models (listed when not installed, downloaded by id).</summary>
    /// <value>The default value is the built-in catalog unchanged.</value>
    public ModelCatalogOptions Catalog { get; set; } = new();
}
