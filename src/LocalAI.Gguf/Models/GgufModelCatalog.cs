namespace LocalAI.Gguf;

/// <summary>Where a GGUF backend's models are: the configured files and the models folder. Resolves the names requests give to files and describes files for <c>ListModelsAsync</c>.</summary>
internal sealed class GgufModelCatalog(string backendId, GgufBackendOptions options)
{
    /// <summary>The backend kind the built-in catalog files GGUF entries under.</summary>
    public const string Kind = "gguf";

    /// <summary>Gets the models that can be downloaded: the built-in catalog's GGUF entries, changed by <see cref="GgufBackendOptions.Catalog"/>.</summary>
    public ModelCatalog Downloadable { get; } = ModelCatalog.Create(Kind, options.Catalog);

    /// <summary>Gets the path a catalog entry is installed at: its file's name in the models folder.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>The path, or <see langword="null"/> when there is no models folder or the entry names no <c>.gguf</c> file.</returns>
    public string? InstalledPath(ModelCatalogEntry entry) =>
        options.ModelsDirectory is { } folder && entry.Files.FirstOrDefault(f => f.Path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)) is { } file
            ? Path.GetFullPath(Path.Combine(folder, Path.GetFileName(file.Path)))
            : null;

    /// <summary>Tells whether a catalog entry describes a listed model: the entry's file is installed in the models folder under the model's name.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="model">A model as <see cref="Describe"/> lists it.</param>
    /// <returns><see langword="true"/> when the entry is that model.</returns>
    public bool Describes(ModelCatalogEntry entry, LocalModelInfo model) =>
        InstalledPath(entry) is { } path && string.Equals(Path.GetFileName(path), model.Id, StringComparison.Ordinal) && File.Exists(path);

    /// <summary>Gets the full paths of the models to list: the <c>.gguf</c> files of the models folder in name order, then the configured files outside it.</summary>
    /// <returns>The paths of the files that exist.</returns>
    public IReadOnlyList<string> ListPaths()
    {
        var paths = new List<string>();
        if (options.ModelsDirectory is { } folder && Directory.Exists(folder))
        {
            paths.AddRange(Directory.EnumerateFiles(folder, "*.gguf").Order(StringComparer.Ordinal));
        }

        foreach (var extra in new[] { options.ModelPath, options.EmbeddingModelPath })
        {
            if (extra is not null && !paths.Contains(Path.GetFullPath(extra)) && File.Exists(extra))
            {
                paths.Add(Path.GetFullPath(extra));
            }
        }

        return paths;
    }

    /// <summary>Describes a validated model file as the backend lists it.</summary>
    /// <param name="path">The file's full path.</param>
    /// <param name="file">Its header.</param>
    /// <param name="isLoaded">Whether the backend has loaded it.</param>
    /// <returns>The description (without the catalog's words, which <see cref="ModelCatalog.Complete"/> adds); BERT-family files and files that declare a pooling type are embedding models, the rest chat models.</returns>
    public LocalModelInfo Describe(string path, GgufFile file, bool isLoaded)
    {
        var embedding = file.PoolingType is > 0 || file.Architecture.Contains("bert", StringComparison.OrdinalIgnoreCase);
        return new LocalModelInfo(Path.GetFileName(path), backendId)
        {
            SizeBytes = file.FileSize,
            Family = file.Architecture,
            ParameterSize = file.ParameterSize,
            Quantization = file.Quantization,
            ContextLength = file.ContextLength,
            EmbeddingDimensions = embedding ? file.EmbeddingLength : null,
            IsInstalled = true,
            IsLoaded = isLoaded,
            Capabilities = embedding ? BackendCapabilities.Embeddings : BackendCapabilities.Chat | BackendCapabilities.Streaming | BackendCapabilities.JsonOutput,
        };
    }

    /// <summary>Finds the file a model name stands for: a path, or a file name (with or without <c>.gguf</c>) in the models folder.</summary>
    /// <param name="model">The name, or <see langword="null"/> for the configured default.</param>
    /// <param name="embedding">Whether the default is the embedding model rather than the chat model.</param>
    /// <returns>The file's full path.</returns>
    /// <exception cref="ModelNotFoundException">No name was given and none is configured, or no file has that name.</exception>
    public string Resolve(string? model, bool embedding)
    {
        model ??= embedding ? options.EmbeddingModelPath : options.ModelPath;
        if (string.IsNullOrWhiteSpace(model))
        {
            throw DefaultMissing(embedding);
        }

        if (File.Exists(model))
        {
            return Path.GetFullPath(model);
        }

        // The configured files are listed by their file names, so those names resolve too.
        foreach (var configured in new[] { options.ModelPath, options.EmbeddingModelPath })
        {
            if (configured is not null && string.Equals(Path.GetFileName(configured), model, StringComparison.Ordinal) && File.Exists(configured))
            {
                return Path.GetFullPath(configured);
            }
        }

        if (options.ModelsDirectory is { } folder)
        {
            foreach (var candidate in new[] { Path.Combine(folder, model), Path.Combine(folder, model + ".gguf") })
            {
                if (File.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        if (Downloadable.Find(model) is { } entry)
        {
            if (InstalledPath(entry) is { } installed && File.Exists(installed))
            {
                return installed;
            }

            var offline = options.HuggingFace.ResolveOffline()
                ? " Offline mode is on (HF_HUB_OFFLINE or LocalAI:" + backendId + ":HuggingFace:Offline): turn it off to download, or copy the file into the models folder."
                : string.Empty;
            throw new ModelNotFoundException(model, backendId, $"It is in the catalog but not installed: download it with DownloadModelAsync(\"{entry.Id}\") (from {entry.Repository}){(options.ModelsDirectory is null ? " after setting GgufBackendOptions.ModelsDirectory" : string.Empty)}.{offline}");
        }

        throw new ModelNotFoundException(model, backendId, "Give the path of a .gguf file, its name in GgufBackendOptions.ModelsDirectory, or a catalog id.");
    }

    /// <summary>Finds an installed file of the models folder by file name (with or without <c>.gguf</c>) or catalog id.</summary>
    /// <param name="model">The name.</param>
    /// <returns>The full path, or <see langword="null"/> when no such file is in the models folder.</returns>
    public string? FindInstalled(string model)
    {
        if (options.ModelsDirectory is not { } folder || model.IndexOfAny(['/', '\\']) >= 0 || model is "." or "..")
        {
            return Downloadable.Find(model) is { } byId && InstalledPath(byId) is { } path && File.Exists(path) ? path : null;
        }

        foreach (var candidate in new[] { Path.Combine(folder, model), Path.Combine(folder, model + ".gguf") })
        {
            if (candidate.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) && File.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        return Downloadable.Find(model) is { } entry && InstalledPath(entry) is { } installed && File.Exists(installed) ? installed : null;
    }

    /// <summary>Gets the exception for a request that names no model when none is configured.</summary>
    /// <param name="embedding">Whether the missing default is the embedding model.</param>
    /// <returns>The exception.</returns>
    public ModelNotFoundException DefaultMissing(bool embedding) => embedding
        ? new ModelNotFoundException("(default embedding model)", backendId, "Set GgufBackendOptions.EmbeddingModelPath or name a .gguf file.")
        : new ModelNotFoundException("(default chat model)", backendId, "Set GgufBackendOptions.ModelPath or name a .gguf file.");
}
