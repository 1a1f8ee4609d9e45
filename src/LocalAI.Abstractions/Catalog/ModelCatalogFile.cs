namespace LocalAI;

/// <summary>One file of a catalog model in its Hugging Face repository.</summary>
public sealed class ModelCatalogFile
{
    /// <summary>Gets or sets the file's path in the repository (for example <c>onnx/model.onnx</c>); it keeps this relative path in the model folder.</summary>
    /// <value>The default value is an empty string; a file needs a path.</value>
    public string Path { get; set; } = string.Empty;

    /// <summary>Gets or sets the SHA-256 (hexadecimal) the file must have; it pins the file: a repository that serves another one fails the download.</summary>
    /// <value>The default value is <see langword="null"/>: the repository's own metadata (its LFS SHA-256, or its git object id) checks the file.</value>
    public string? Sha256 { get; set; }

    /// <summary>Gets or sets the file's size in bytes, as published; informative only, the repository's metadata decides.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public long? SizeBytes { get; set; }

    /// <summary>Gets or sets a value indicating whether the model works without this file, so a repository that lacks it is no error.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Optional { get; set; }
}
