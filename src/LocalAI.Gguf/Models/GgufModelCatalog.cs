namespace LocalAI.Gguf;

/// <summary>Where a GGUF backend's models are: the configured files and the models folder. Resolves the names requests give to files and describes files for <c>ListModelsAsync</c>.</summary>
internal sealed class GgufModelCatalog(string backendId, GgufBackendOptions options)
{
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
    /// <returns>The description; BERT-family files and files that declare a pooling type are embedding models, the rest chat models.</returns>
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

        throw new ModelNotFoundException(model, backendId, "Give the path of a .gguf file, or its name in GgufBackendOptions.ModelsDirectory.");
    }

    /// <summary>Gets the exception for a request that names no model when none is configured.</summary>
    /// <param name="embedding">Whether the missing default is the embedding model.</param>
    /// <returns>The exception.</returns>
    public ModelNotFoundException DefaultMissing(bool embedding) => embedding
        ? new ModelNotFoundException("(default embedding model)", backendId, "Set GgufBackendOptions.EmbeddingModelPath or name a .gguf file.")
        : new ModelNotFoundException("(default chat model)", backendId, "Set GgufBackendOptions.ModelPath or name a .gguf file.");
}
