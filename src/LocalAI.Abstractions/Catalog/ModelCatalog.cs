using System.Text.Json;

namespace LocalAI;

/// <summary>The models a backend can install: the built-in entries (an embedded JSON resource) for its kind, changed by its configuration.</summary>
public sealed class ModelCatalog
{
    private const string ResourceName = "LocalAI.Catalog.catalog.json";
    private static readonly Lazy<IReadOnlyList<ModelCatalogEntry>> BuiltInEntries = new(LoadBuiltIn);
    private readonly ModelCatalogEntry[] _entries;

    private ModelCatalog(ModelCatalogEntry[] entries) => _entries = entries;

    /// <summary>Gets the entries, in catalog order.</summary>
    public IReadOnlyList<ModelCatalogEntry> Entries => _entries;

    /// <summary>Gets every built-in entry, of every backend kind.</summary>
    public static IReadOnlyList<ModelCatalogEntry> BuiltIn => BuiltInEntries.Value;

    /// <summary>Creates the catalog of one backend: the built-in entries of its kind, with the configured entries added or replacing them by id.</summary>
    /// <param name="backendKind">The backend kind: <c>ollama</c>, <c>gguf</c>, <c>onnx</c> or <c>mlx</c>.</param>
    /// <param name="options">The backend's catalog options; <see langword="null"/> for the built-in entries alone.</param>
    /// <returns>The catalog.</returns>
    /// <exception cref="ArgumentException"><paramref name="backendKind"/> is empty, or a configured entry has no id or names another backend kind.</exception>
    /// <exception cref="InvalidModelFileException">The file named by <see cref="ModelCatalogOptions.Path"/> is missing or not a catalog.</exception>
    public static ModelCatalog Create(string backendKind, ModelCatalogOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendKind);
        var byId = new Dictionary<string, ModelCatalogEntry>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        void Add(ModelCatalogEntry entry, string source)
        {
            if (string.IsNullOrWhiteSpace(entry.Id))
            {
                throw new ArgumentException($"A catalog entry from {source} has no Id; give every entry an Id.", nameof(options));
            }

            if (entry.Backend is { Length: > 0 } kind && !string.Equals(kind, backendKind, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            if (!byId.ContainsKey(entry.Id))
            {
                order.Add(entry.Id);
            }

            byId[entry.Id] = entry;
        }

        if (options?.ReplaceBuiltIn != true)
        {
            foreach (var entry in BuiltIn)
            {
                Add(entry, "the built-in catalog");
            }
        }

        if (options?.Path is { Length: > 0 } path)
        {
            foreach (var entry in LoadFile(path))
            {
                Add(entry, path);
            }
        }

        foreach (var entry in options?.Entries ?? [])
        {
            Add(entry, "configuration");
        }

        return new ModelCatalog([.. order.Select(id => byId[id])]);
    }

    /// <summary>Reads the entries of a catalog JSON document (<c>{"models":[...]}</c>).</summary>
    /// <param name="json">The document.</param>
    /// <returns>The entries.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonException">The document is not a catalog.</exception>
    public static IReadOnlyList<ModelCatalogEntry> Parse(Stream json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize(json, ModelCatalogJsonContext.Default.ModelCatalogDocument)?.Models ?? [];
    }

    /// <summary>Finds an entry by id, ignoring case.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    public ModelCatalogEntry? Find(string? id) =>
        id is null ? null : Array.Find(_entries, e => string.Equals(e.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>Completes a backend's own model list with the catalog: a listed model an entry describes gains the entry's description, tags and role where it has none, and every entry that describes no listed model follows as not installed.</summary>
    /// <param name="backendId">The backend that lists the models.</param>
    /// <param name="listed">The models the backend lists itself (installed, or otherwise known to it), in its order.</param>
    /// <param name="describes">Whether an entry describes a listed model; <see langword="null"/> to compare the entry's id with the model's, ignoring case.</param>
    /// <returns>The listed models, then the entries not among them described by <see cref="ModelCatalogEntry.ToModelInfo"/> with <see cref="LocalModelInfo.IsInstalled"/> <see langword="false"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="backendId"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="listed"/> is <see langword="null"/>.</exception>
    public IReadOnlyList<LocalModelInfo> Complete(string backendId, IEnumerable<LocalModelInfo> listed, Func<ModelCatalogEntry, LocalModelInfo, bool>? describes = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendId);
        ArgumentNullException.ThrowIfNull(listed);
        describes ??= static (entry, model) => string.Equals(entry.Id, model.Id, StringComparison.OrdinalIgnoreCase);
        var own = listed.ToList();
        var models = new List<LocalModelInfo>(own.Count + _entries.Length);
        foreach (var model in own)
        {
            models.Add(Array.Find(_entries, e => describes(e, model)) is { } entry
                ? model with
                {
                    Description = model.Description ?? entry.Description,
                    Tags = model.Tags.Count > 0 ? model.Tags : [.. entry.Tags],
                    Role = model.Role ?? entry.Role,
                }
                : model);
        }

        foreach (var entry in _entries)
        {
            if (!own.Exists(m => describes(entry, m)))
            {
                models.Add(entry.ToModelInfo(backendId, isInstalled: false));
            }
        }

        return models;
    }

    private static IReadOnlyList<ModelCatalogEntry> LoadFile(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Parse(stream);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new InvalidModelFileException(path, $"it cannot be read as a model catalog ({ex.Message}); it must be JSON of the form {{\"models\":[{{\"id\":...}}]}}.", ex);
        }
    }

    private static IReadOnlyList<ModelCatalogEntry> LoadBuiltIn()
    {
        using var stream = typeof(ModelCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The built-in catalog resource '{ResourceName}' is missing from {typeof(ModelCatalog).Assembly.GetName().Name}.");
        return Parse(stream);
    }
}
