namespace LocalAI.Gguf;

/// <summary>One node of a JSON schema as the grammar compiler understands it: what the grammar generates and the closer completes.</summary>
internal sealed class SchemaNode
{
    /// <summary>Gets or sets the kind of value.</summary>
    public SchemaKind Kind { get; set; }

    /// <summary>Gets the declared properties of an object, in schema order, with whether each is required.</summary>
    public List<(string Name, SchemaNode Schema, bool Required)> Properties { get; } = [];

    /// <summary>Gets or sets the schema of the values of a map (an object without declared properties), or of array items.</summary>
    public SchemaNode? Items { get; set; }

    /// <summary>Gets or sets the least number of array items or string characters.</summary>
    public int MinCount { get; set; }

    /// <summary>Gets or sets the most array items or string characters, or <see langword="null"/> for no limit.</summary>
    public int? MaxCount { get; set; }

    /// <summary>Gets or sets the smallest integer allowed.</summary>
    public long? Minimum { get; set; }

    /// <summary>Gets or sets the largest integer allowed.</summary>
    public long? Maximum { get; set; }

    /// <summary>Gets the JSON texts of an enum or const, or the alternatives of anyOf/oneOf.</summary>
    public List<string> Literals { get; } = [];

    /// <summary>Gets the alternatives of anyOf, oneOf or a list of types.</summary>
    public List<SchemaNode> Alternatives { get; } = [];

    /// <summary>Gets or sets the target of a <c>$ref</c>, resolved after the whole schema is read.</summary>
    public SchemaNode? Target { get; set; }

    /// <summary>Gets or sets the rule name this node has in the grammar, once named.</summary>
    public string? RuleName { get; set; }
}
