namespace LocalAI;

/// <summary>The JSON shape of a catalog file: <c>{"models":[ ... ]}</c>.</summary>
internal sealed class ModelCatalogDocument
{
    /// <summary>Gets or sets the entries.</summary>
    public List<ModelCatalogEntry> Models { get; set; } = [];
}
