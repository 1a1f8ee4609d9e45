namespace LocalAI.Gguf;

/// <summary>The kinds of <see cref="SchemaNode"/>.</summary>
internal enum SchemaKind
{
    /// <summary>Any JSON value.</summary>
    Any,

    /// <summary>An object: declared properties in order, or a map of string keys to <see cref="SchemaNode.Items"/> values.</summary>
    Object,

    /// <summary>An array of <see cref="SchemaNode.Items"/>, with a count range.</summary>
    Array,

    /// <summary>A string with a length range.</summary>
    String,

    /// <summary>An integer with an optional range.</summary>
    Integer,

    /// <summary>Any JSON number.</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary><c>null</c>.</summary>
    Null,

    /// <summary>One of fixed JSON texts (enum, const).</summary>
    Literals,

    /// <summary>One of several schemas (anyOf, oneOf, a list of types).</summary>
    AnyOf,

    /// <summary>A reference to a definition.</summary>
    Reference,
}
