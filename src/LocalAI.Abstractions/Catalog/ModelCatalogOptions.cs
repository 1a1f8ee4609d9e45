namespace LocalAI;

/// <summary>How a backend's configuration changes the built-in catalog: entries added (or replacing built-in ones of the same id), or the built-in catalog replaced; bound from <c>LocalAI:&lt;id&gt;:Catalog</c>.</summary>
public sealed class ModelCatalogOptions
{
    /// <summary>Gets or sets the entries added to the catalog; an entry with the id of a built-in one replaces it.</summary>
    /// <value>The default value is an empty list.</value>
    public IList<ModelCatalogEntry> Entries { get; set; } = [];

    /// <summary>Gets or sets a JSON file in the built-in catalog's format (<c>{"models":[...]}</c>) whose entries are added like <see cref="Entries"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Path { get; set; }

    /// <summary>Gets or sets a value indicating whether the built-in entries are dropped, so only <see cref="Entries"/> and <see cref="Path"/> are listed.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ReplaceBuiltIn { get; set; }
}
